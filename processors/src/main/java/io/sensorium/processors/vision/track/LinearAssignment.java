package io.sensorium.processors.vision.track;

import java.util.Arrays;

/**
 * The minimum-cost assignment of a rectangular cost matrix's rows to its columns (each row to at most one column and
 * each column to at most one row, as many pairs as the smaller side), by the shortest augmenting path method that
 * SciPy's {@code linear_sum_assignment} uses (Crouse, "On implementing 2D rectangular assignment algorithms", 2016),
 * with its tie-breaking, so that trackers written against SciPy pair the same boxes.
 */
public final class LinearAssignment {
    private LinearAssignment() {}

    /**
     * @param cost {@code [rows][columns]}, finite
     * @return for each row the column it is assigned, or -1 (only where there are more rows than columns)
     */
    public static int[] solve(double[][] cost) {
        int rows = cost.length;
        int columns = rows == 0 ? 0 : cost[0].length;
        int[] rowToColumn = new int[rows];
        Arrays.fill(rowToColumn, -1);
        if (rows == 0 || columns == 0) {
            return rowToColumn;
        }
        boolean transposed = columns < rows;
        double[][] c = transposed ? transpose(cost) : cost;
        int[] assigned = solveWide(c);
        if (!transposed) {
            return assigned;
        }
        for (int column = 0; column < assigned.length; column++) {
            rowToColumn[assigned[column]] = column;
        }
        return rowToColumn;
    }

    /** {@code c} has no more rows than columns: every row is assigned. */
    private static int[] solveWide(double[][] c) {
        int nr = c.length;
        int nc = c[0].length;
        double[] u = new double[nr];
        double[] v = new double[nc];
        double[] shortest = new double[nc];
        int[] path = new int[nc];
        int[] col4row = new int[nr];
        int[] row4col = new int[nc];
        boolean[] sr = new boolean[nr];
        boolean[] sc = new boolean[nc];
        int[] remaining = new int[nc];
        Arrays.fill(path, -1);
        Arrays.fill(col4row, -1);
        Arrays.fill(row4col, -1);
        for (int current = 0; current < nr; current++) {
            double minVal = 0;
            int i = current;
            int left = nc;
            for (int it = 0; it < nc; it++) {
                remaining[it] = nc - it - 1;
            }
            Arrays.fill(sr, false);
            Arrays.fill(sc, false);
            Arrays.fill(shortest, Double.POSITIVE_INFINITY);
            int sink = -1;
            while (sink == -1) {
                int index = -1;
                double lowest = Double.POSITIVE_INFINITY;
                sr[i] = true;
                for (int it = 0; it < left; it++) {
                    int j = remaining[it];
                    double r = minVal + c[i][j] - u[i] - v[j];
                    if (r < shortest[j]) {
                        path[j] = i;
                        shortest[j] = r;
                    }
                    // Of equal costs, a column no row has yet ends the path at once.
                    if (shortest[j] < lowest || shortest[j] == lowest && row4col[j] == -1) {
                        lowest = shortest[j];
                        index = it;
                    }
                }
                minVal = lowest;
                if (minVal == Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("the cost matrix has no finite assignment");
                }
                int j = remaining[index];
                if (row4col[j] == -1) {
                    sink = j;
                } else {
                    i = row4col[j];
                }
                sc[j] = true;
                remaining[index] = remaining[--left];
            }
            u[current] += minVal;
            for (int r = 0; r < nr; r++) {
                if (sr[r] && r != current) {
                    u[r] += minVal - shortest[col4row[r]];
                }
            }
            for (int j = 0; j < nc; j++) {
                if (sc[j]) {
                    v[j] -= minVal - shortest[j];
                }
            }
            int j = sink;
            while (true) {
                int r = path[j];
                row4col[j] = r;
                int previous = col4row[r];
                col4row[r] = j;
                j = previous;
                if (r == current) {
                    break;
                }
            }
        }
        return col4row;
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }
}
