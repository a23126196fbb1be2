package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogSumExpTest {
    private static final int VOCAB = 51865;

    /** Scores as a decoder gives them, spread over tens of nats, with some suppressed (negative infinity). */
    private static float[] scores(long seed) {
        Random random = new Random(seed);
        float[] scores = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            scores[i] = i % 97 == 0 ? Float.NEGATIVE_INFINITY : (float) (random.nextGaussian() * 6 - 3);
        }
        return scores;
    }

    private static double referenceSumExp(float[] scores, int from, int to, double max) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += Math.exp(scores[i] - max);
        }
        return sum;
    }

    @Test
    void sumOfExponentialsIsWithinFloat32sPrecisionOfMathExp() {
        for (long seed = 0; seed < 5; seed++) {
            float[] scores = scores(seed);
            float max = LogSumExp.max(scores);
            double expected = referenceSumExp(scores, 0, VOCAB, max);
            assertThat(LogSumExp.sumExp(scores, max)).isCloseTo(expected, within(expected * 1e-8));
            assertThat(LogSumExp.sumExp(scores, 100, 2000, max))
                    .isCloseTo(referenceSumExp(scores, 100, 2000, max), within(expected * 1e-8));
        }
    }

    @Test
    void eachExponentialIsWithinThreeBillionthsOverTheWholeRange() {
        float[] one = new float[1];
        for (float below = 0; below > -88; below -= 0.0013f) {
            one[0] = below;
            double exact = Math.exp(below);
            assertThat(LogSumExp.sumExp(one, 0)).isCloseTo(exact, within(exact * 3e-9));
        }
    }

    @Test
    void scoresFarBelowTheLargestAndSuppressedOnesAddNothing() {
        float[] scores = {0f, -200f, Float.NEGATIVE_INFINITY, -1f};
        assertThat(LogSumExp.sumExp(scores, 0f)).isCloseTo(1 + Math.exp(-1), within(1e-9));
    }

    @Test
    void maxOfARangeSkipsWhatLiesOutsideIt() {
        float[] scores = {9f, Float.NEGATIVE_INFINITY, -2f, 3f, 7f};
        assertThat(LogSumExp.max(scores)).isEqualTo(9f);
        assertThat(LogSumExp.max(scores, 1, 4)).isEqualTo(3f);
        assertThat(LogSumExp.max(scores, 1, 2)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(LogSumExp.max(scores, 2, 2)).isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @Test
    void logSoftmaxOfAnyTokenMatchesItsDefinition() {
        float[] scores = scores(7);
        float max = LogSumExp.max(scores);
        double logTotal = max + Math.log(referenceSumExp(scores, 0, VOCAB, max));
        int best = 0;
        for (int i = 1; i < VOCAB; i++) {
            best = scores[i] > scores[best] ? i : best;
        }
        // A token below the largest (the no-speech token's), and the largest given as a greedy step knows it.
        assertThat(LogSumExp.logSoftmaxAt(scores, 12345)).isCloseTo(scores[12345] - logTotal, within(1e-7));
        assertThat(LogSumExp.logSoftmaxAt(scores, best, scores[best])).isCloseTo(scores[best] - logTotal, within(1e-7));
        assertThat(LogSumExp.logSoftmaxAt(scores, 97)).isEqualTo(Double.NEGATIVE_INFINITY);
    }
}
