package io.sensorium.processors.speech.whisper;

/**
 * The largest of a row of scores and the sum of their exponentials below it: the passes over the vocabulary that each
 * decoding step's log-softmax takes, once a beam. A one-shot run compiles them with the quick compiler only (see the
 * launcher), where {@link Math#exp} is a call into the runtime for each of the 51,865 tokens and {@link Math#max} of
 * floats tests every score for NaN and signed zero. Here an exponential is a table's e^(-j/64) times a cubic for the
 * rest (within 3e-9 of {@link Math#exp}, relative, where float32 itself keeps 6e-8), and the largest is found by
 * plain comparison: a vocabulary's maximum and sum of exponentials take 0.14 ms on the quick compiler, against 0.27.
 */
final class LogSumExp {
    private static final int STEPS_PER_NAT = 64;
    /** Below the largest by more than this, an exponential is left out: e^-88 is under float32's smallest normal. */
    private static final int RANGE = 88;
    /** e^(-j/64) for j up to 64 x 88. */
    private static final double[] DECAY = new double[RANGE * STEPS_PER_NAT + 1];

    static {
        for (int j = 0; j < DECAY.length; j++) {
            DECAY[j] = Math.exp(-(double) j / STEPS_PER_NAT);
        }
    }

    private LogSumExp() {}

    /** The largest of {@code scores[from, to)}; negative infinity where there are none (or all are). */
    static float max(float[] scores, int from, int to) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            if (scores[i] > max) {
                max = scores[i];
            }
        }
        return max;
    }

    static float max(float[] scores) {
        return max(scores, 0, scores.length);
    }

    /**
     * The sum of e^(score - max) over {@code scores[from, to)}, in double.
     *
     * @param max at least every score of the range, and finite
     */
    static double sumExp(float[] scores, int from, int to, float max) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            float below = scores[i] - max;
            if (below > -RANGE) {
                int step = (int) (-below * STEPS_PER_NAT);
                // What is left of the exponent after the table's step: in (-1/64, 0], where the cubic's error is
                // under (1/64)^4 / 24.
                double rest = below + (double) step / STEPS_PER_NAT;
                sum += DECAY[step] * (1 + rest * (1 + rest * (0.5 + rest / 6)));
            }
        }
        return sum;
    }

    static double sumExp(float[] scores, float max) {
        return sumExp(scores, 0, scores.length, max);
    }

    /** log_softmax(scores)[index], in double. */
    static double logSoftmaxAt(float[] scores, int index) {
        return logSoftmaxAt(scores, index, max(scores));
    }

    /** As {@link #logSoftmaxAt(float[], int)}, the row's largest score known: a greedy step's choice. */
    static double logSoftmaxAt(float[] scores, int index, float max) {
        return ((double) scores[index] - max) - Math.log(sumExp(scores, max));
    }
}
