package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampRulesTest {
    // tiny.en's layout: text below <|notimestamps|> 50362, timestamps from 50363 to the end of the 51864 scores.
    private static final int NO_TIMESTAMPS = 50362;
    private static final int VOCAB = 51864;
    private static final GenerationConfig CONFIG = new GenerationConfig(50257, 50256, NO_TIMESTAMPS, new int[0],
            new int[0], 50, 448, false, Map.of(), Map.of());
    private static final int[] SEQUENCE = {50257, 50363, 383, 3290, 0};

    /** The rule as transformers writes it: log_softmax over the vocabulary, then logsumexp of the timestamps. */
    private static boolean referenceForcesTimestamp(float[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double total = 0;
        for (float s : scores) {
            total += Math.exp(s - max);
        }
        double logTotal = max + Math.log(total);
        double timestampMass = 0;
        double bestText = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < scores.length; i++) {
            if (i > NO_TIMESTAMPS) {
                timestampMass += Math.exp(scores[i] - logTotal);
            } else {
                bestText = Math.max(bestText, scores[i] - logTotal);
            }
        }
        return Math.log(timestampMass) > bestText;
    }

    @Test
    void forcesATimestampExactlyWhenLogSoftmaxSaysTimestampsAreLikelier() {
        Random random = new Random(7);
        int forced = 0;
        for (int trial = 0; trial < 400; trial++) {
            float[] scores = new float[VOCAB];
            for (int i = 0; i < VOCAB; i++) {
                scores[i] = (float) (random.nextGaussian() * 3);
            }
            // Lift the timestamps by a varying margin so that both outcomes occur, many close to the boundary.
            float lift = -4 + random.nextFloat() * 8;
            for (int i = NO_TIMESTAMPS + 1; i < VOCAB; i++) {
                scores[i] += lift;
            }
            // Mid-segment (text after a timestamp): only <|notimestamps|> and earlier timestamps are masked.
            float[] expected = scores.clone();
            expected[NO_TIMESTAMPS] = Float.NEGATIVE_INFINITY;
            Arrays.fill(expected, NO_TIMESTAMPS + 1, NO_TIMESTAMPS + 2, Float.NEGATIVE_INFINITY);
            boolean force = referenceForcesTimestamp(expected);
            if (force) {
                Arrays.fill(expected, 0, NO_TIMESTAMPS + 1, Float.NEGATIVE_INFINITY);
                forced++;
            }
            new TimestampRules(CONFIG).apply(SEQUENCE, SEQUENCE.length, 1, scores);
            assertThat(Arrays.equals(scores, expected)).as("trial %d: forced %s", trial, force).isTrue();
        }
        assertThat(forced).isBetween(50, 350);
    }

    @Test
    void leavesTextAloneWhenEveryTimestampIsMasked() {
        float[] scores = new float[VOCAB];
        // After a timestamp pair only text may follow; the likelihood test must then find no timestamp mass.
        int[] afterPair = {50257, 50363, 383, 50370, 50370};
        new TimestampRules(CONFIG).apply(afterPair, afterPair.length, 1, scores);
        assertThat(Arrays.copyOfRange(scores, 0, NO_TIMESTAMPS)).containsOnly(0f);
        assertThat(Arrays.copyOfRange(scores, NO_TIMESTAMPS, VOCAB)).containsOnly(Float.NEGATIVE_INFINITY);
    }
}
