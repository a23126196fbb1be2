package io.sensorium.processors.vision.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearAssignmentTest {
    @Test
    void aSquareMatrixGetsItsCheapestPermutation() {
        double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
        // SciPy's linear_sum_assignment: rows 0, 1, 2 to columns 1, 0, 2 (cost 5).
        assertThat(LinearAssignment.solve(cost)).containsExactly(1, 0, 2);
    }

    @Test
    void moreRowsThanColumnsLeavesTheDearestRowOut() {
        double[][] cost = {{0.9, 0.1}, {0.2, 0.8}, {0.05, 0.3}};
        assertThat(LinearAssignment.solve(cost)).containsExactly(1, -1, 0);
    }

    @Test
    void randomMatricesOfEveryShapeGetTheOptimumBruteForceFinds() {
        Random random = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int rows = 1 + random.nextInt(5);
            int columns = 1 + random.nextInt(5);
            double[][] cost = new double[rows][columns];
            for (double[] row : cost) {
                for (int j = 0; j < columns; j++) {
                    // Coarse values, so that ties are common, as capped costs make them in a tracker.
                    row[j] = random.nextInt(4) / 4.0;
                }
            }
            int[] assigned = LinearAssignment.solve(cost);
            assertThat(java.util.Arrays.stream(assigned).filter(j -> j >= 0).distinct().count())
                    .as("one column per row, as many pairs as the smaller side").isEqualTo(Math.min(rows, columns));
            assertThat(total(cost, assigned)).isEqualTo(best(cost, 0, new boolean[columns], 0));
        }
    }

    /** Ties broken as SciPy 1.17.1's linear_sum_assignment breaks them (its outputs for these matrices). */
    @Test
    void tiesAreBrokenAsSciPyBreaksThem() {
        assertThat(LinearAssignment.solve(new double[][] {{1.0, 0.0, 0.0}, {0.0, 0.0, 1.0}, {1.0, 0.5, 0.0}}))
                .containsExactly(1, 0, 2);
        assertThat(LinearAssignment.solve(new double[][] {{0.0, 0.0}, {0.5, 0.5}, {0.5, 0.0}, {0.0, 1.0}}))
                .containsExactly(0, -1, 1, -1);
        assertThat(LinearAssignment.solve(new double[][] {{1.0, 0.0, 0.0, 0.5, 0.5}, {1.0, 0.5, 0.5, 0.5, 0.5}}))
                .containsExactly(1, 2);
        assertThat(LinearAssignment.solve(new double[][] {{0.5, 0.0, 1.0, 1.0, 1.0}, {1.0, 0.0, 0.0, 0.5, 0.5},
                {1.0, 1.0, 0.0, 1.0, 0.0}, {0.0, 1.0, 1.0, 0.0, 0.0}, {0.0, 0.0, 1.0, 0.5, 0.5}}))
                .containsExactly(1, 2, 4, 3, 0);
        assertThat(LinearAssignment.solve(new double[][] {{0.0, 0.5, 0.0, 1.0, 0.5, 0.0}, {0.0, 1.0, 0.5, 0.5, 0.0, 0.0},
                {0.5, 0.5, 0.5, 1.0, 1.0, 0.0}, {0.5, 0.5, 0.0, 0.0, 0.5, 1.0}}))
                .containsExactly(0, 4, 5, 2);
    }

    @Test
    void anEmptyMatrixAssignsNothing() {
        assertThat(LinearAssignment.solve(new double[0][0])).isEmpty();
        assertThat(LinearAssignment.solve(new double[][] {{}, {}})).containsExactly(-1, -1);
    }

    private static double total(double[][] cost, int[] assigned) {
        double sum = 0;
        for (int i = 0; i < assigned.length; i++) {
            if (assigned[i] >= 0) {
                sum += cost[i][assigned[i]];
            }
        }
        return sum;
    }

    /** The least total cost of a full assignment of rows {@code row} on (each row to a free column, or left out). */
    private static double best(double[][] cost, int row, boolean[] used, int pairs) {
        int rows = cost.length;
        int columns = cost[0].length;
        if (row == rows) {
            return pairs == Math.min(rows, columns) ? 0 : Double.POSITIVE_INFINITY;
        }
        double best = rows - row - 1 >= Math.min(rows, columns) - pairs ? best(cost, row + 1, used, pairs)
                : Double.POSITIVE_INFINITY;
        for (int j = 0; j < columns; j++) {
            if (!used[j]) {
                used[j] = true;
                best = Math.min(best, cost[row][j] + best(cost, row + 1, used, pairs + 1));
                used[j] = false;
            }
        }
        return best;
    }
}
