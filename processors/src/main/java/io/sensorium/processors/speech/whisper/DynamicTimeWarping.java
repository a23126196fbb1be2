package io.sensorium.processors.speech.whisper;

import java.util.Arrays;

/**
 * The cheapest monotonic path through a cost matrix from its first cell to its last, each step one row down, one
 * column right, or both: openai's dtw_cpu and transformers' _dynamic_time_warping, step for step (their cost table
 * in float32, their preference among equal costs), so that the same matrix gives the same path.
 */
final class DynamicTimeWarping {
    private DynamicTimeWarping() {}

    /** For each row, the first column where the path reaches it. */
    static int[] rowStarts(double[][] matrix) {
        int rows = matrix.length;
        int cols = matrix[0].length;
        float[][] cost = new float[rows + 1][cols + 1];
        byte[][] trace = new byte[rows + 1][cols + 1];
        for (float[] row : cost) {
            Arrays.fill(row, Float.POSITIVE_INFINITY);
        }
        cost[0][0] = 0;
        for (int j = 1; j <= cols; j++) {
            for (int i = 1; i <= rows; i++) {
                float c0 = cost[i - 1][j - 1];
                float c1 = cost[i - 1][j];
                float c2 = cost[i][j - 1];
                float c;
                byte t;
                if (c0 < c1 && c0 < c2) {
                    c = c0;
                    t = 0;
                } else if (c1 < c0 && c1 < c2) {
                    c = c1;
                    t = 1;
                } else {
                    c = c2;
                    t = 2;
                }
                cost[i][j] = (float) (matrix[i - 1][j - 1] + c);
                trace[i][j] = t;
            }
        }
        Arrays.fill(trace[0], (byte) 2);
        for (byte[] row : trace) {
            row[0] = 1;
        }
        int[] starts = new int[rows];
        Arrays.fill(starts, -1);
        int i = rows;
        int j = cols;
        // Walked backwards: the last cell met in a row is where the path enters it.
        while (i > 0 || j > 0) {
            if (i > 0) {
                starts[i - 1] = j - 1;
            }
            switch (trace[i][j]) {
                case 0 -> {
                    i--;
                    j--;
                }
                case 1 -> i--;
                default -> j--;
            }
        }
        return starts;
    }
}
