package io.sensorium.processors.vision.track;

/**
 * The constant-velocity Kalman filter of SORT, DeepSORT and ByteTrack over a box's centre, aspect ratio and height
 * {@code (x, y, a, h)} and their velocities: 8 state variables, the box observed directly, noise proportional to the
 * box's height (so that it scales with how near the object is), with ByteTrack's weights.
 */
public final class BoxKalmanFilter {
    static final int DIM = 8;
    private static final int OBSERVED = 4;
    private static final double POSITION_WEIGHT = 1.0 / 20;
    private static final double VELOCITY_WEIGHT = 1.0 / 160;

    private BoxKalmanFilter() {}

    /** A state: its mean and covariance, replaced (never changed in place) by each step. */
    public record State(double[] mean, double[][] covariance) {}

    /** A new track's state from its first box: no velocity, position uncertain in proportion to its height. */
    public static State initiate(double[] xyah) {
        double h = xyah[3];
        double[] mean = new double[DIM];
        System.arraycopy(xyah, 0, mean, 0, OBSERVED);
        double[] std = {2 * POSITION_WEIGHT * h, 2 * POSITION_WEIGHT * h, 1e-2, 2 * POSITION_WEIGHT * h,
                10 * VELOCITY_WEIGHT * h, 10 * VELOCITY_WEIGHT * h, 1e-5, 10 * VELOCITY_WEIGHT * h};
        return new State(mean, diagonalOfSquares(std));
    }

    /** One frame on: the box moves by its velocity and its uncertainty grows. */
    public static State predict(State state) {
        double[] m = state.mean();
        double h = m[3];
        double[] std = {POSITION_WEIGHT * h, POSITION_WEIGHT * h, 1e-2, POSITION_WEIGHT * h,
                VELOCITY_WEIGHT * h, VELOCITY_WEIGHT * h, 1e-5, VELOCITY_WEIGHT * h};
        double[] mean = m.clone();
        for (int i = 0; i < OBSERVED; i++) {
            mean[i] += m[OBSERVED + i];
        }
        // F P F^T with F = [[I, I], [0, I]]: blocks P11 + P12 + P21 + P22, P12 + P22, P21 + P22, P22.
        double[][] p = state.covariance();
        double[][] covariance = new double[DIM][DIM];
        for (int i = 0; i < DIM; i++) {
            for (int j = 0; j < DIM; j++) {
                double value = p[i][j];
                if (i < OBSERVED) {
                    value += p[i + OBSERVED][j];
                }
                if (j < OBSERVED) {
                    value += p[i][j + OBSERVED];
                    if (i < OBSERVED) {
                        value += p[i + OBSERVED][j + OBSERVED];
                    }
                }
                covariance[i][j] = value;
            }
        }
        for (int i = 0; i < DIM; i++) {
            covariance[i][i] += std[i] * std[i];
        }
        return new State(mean, covariance);
    }

    /** The state corrected by an observed box {@code (x, y, a, h)}. */
    public static State update(State state, double[] xyah) {
        double[] m = state.mean();
        double[][] p = state.covariance();
        double h = m[3];
        double[] std = {POSITION_WEIGHT * h, POSITION_WEIGHT * h, 1e-1, POSITION_WEIGHT * h};
        // S = H P H^T + R: the top-left block of P plus the observation noise.
        double[][] s = new double[OBSERVED][OBSERVED];
        for (int i = 0; i < OBSERVED; i++) {
            for (int j = 0; j < OBSERVED; j++) {
                s[i][j] = p[i][j];
            }
            s[i][i] += std[i] * std[i];
        }
        double[][] lower = cholesky(s);
        // K = P H^T S^-1, row by row: S K_r^T = (P H^T)_r^T, S being symmetric.
        double[][] gain = new double[DIM][];
        for (int r = 0; r < DIM; r++) {
            gain[r] = choleskySolve(lower, new double[] {p[r][0], p[r][1], p[r][2], p[r][3]});
        }
        double[] innovation = new double[OBSERVED];
        for (int i = 0; i < OBSERVED; i++) {
            innovation[i] = xyah[i] - m[i];
        }
        double[] mean = m.clone();
        for (int r = 0; r < DIM; r++) {
            for (int k = 0; k < OBSERVED; k++) {
                mean[r] += gain[r][k] * innovation[k];
            }
        }
        // P - K S K^T, where S K^T = H P, so K S K^T = K (H P).
        double[][] covariance = new double[DIM][DIM];
        for (int i = 0; i < DIM; i++) {
            for (int j = 0; j < DIM; j++) {
                double kskt = 0;
                for (int k = 0; k < OBSERVED; k++) {
                    kskt += gain[i][k] * p[k][j];
                }
                covariance[i][j] = p[i][j] - kskt;
            }
        }
        return new State(mean, covariance);
    }

    private static double[][] diagonalOfSquares(double[] std) {
        double[][] covariance = new double[DIM][DIM];
        for (int i = 0; i < DIM; i++) {
            covariance[i][i] = std[i] * std[i];
        }
        return covariance;
    }

    private static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        throw new IllegalStateException("the innovation covariance is not positive definite");
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        return l;
    }

    /** x with L L^T x = b. */
    private static double[] choleskySolve(double[][] l, double[] b) {
        int n = b.length;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i][k] * y[k];
            }
            y[i] = sum / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) {
                sum -= l[k][i] * x[k];
            }
            x[i] = sum / l[i][i];
        }
        return x;
    }
}
