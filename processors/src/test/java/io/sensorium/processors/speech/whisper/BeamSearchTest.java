package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Beam search's choices on scores written by hand (a vocabulary of four, the last end-of-text): which continuations
 * carry on as beams, in which order, where they tie or where one beam's beat all of another's.
 */
class BeamSearchTest {
    private static final float NONE = Float.NEGATIVE_INFINITY;
    private static final int END = 3;
    private static final int PROMPT = 9;

    @Test
    void equalContinuationsOfTwoBeamsGoOnInTheBeamsOrder() throws Exception {
        ScriptedSteps steps = new ScriptedSteps(
                rows(new float[] {0, 0, -5, NONE}),
                rows(new float[] {0, NONE, NONE, NONE}, new float[] {0, NONE, NONE, NONE}),
                rows(new float[] {NONE, NONE, NONE, 0}, new float[] {NONE, NONE, NONE, 0}));

        BeamSearch.Hypothesis best = search(steps);

        // Tokens 0 and 1 tie on the first step, so do both beams' token 0 on the second: the first beam's goes first.
        assertThat(steps.given.get(1)).isDeepEqualTo(new int[][] {{PROMPT, 0}, {PROMPT, 1}});
        assertThat(steps.given.get(2)).isDeepEqualTo(new int[][] {{PROMPT, 0, 0}, {PROMPT, 1, 0}});
        assertThat(best.tokens()).containsExactly(PROMPT, 0, 0, END);
    }

    @Test
    void theBestContinuationsMayAllBeOneBeams() throws Exception {
        ScriptedSteps steps = new ScriptedSteps(
                rows(new float[] {0, -1, -9, NONE}),
                rows(new float[] {NONE, NONE, NONE, 0}, new float[] {0, 0, NONE, NONE}),
                rows(new float[] {NONE, NONE, NONE, 0}, new float[] {NONE, NONE, NONE, 0}));

        BeamSearch.Hypothesis best = search(steps);

        // The first beam can only end; both beams go on from the second, token 0 before token 1.
        assertThat(steps.given.get(2)).isDeepEqualTo(new int[][] {{PROMPT, 1, 0}, {PROMPT, 1, 1}});
        assertThat(best.tokens()).containsExactly(PROMPT, 0, END);
        // Its log-probability is token 0's on the first step (end-of-text was certain), scored over its two tokens.
        assertThat(best.sumLogprob()).isCloseTo((float) -Math.log(1 + Math.exp(-1) + Math.exp(-9)), within(1e-6f));
        assertThat(best.score()).isEqualTo(best.sumLogprob() / 2);
    }

    /**
     * Two hypotheses finish by the second step, as many as 2 beams wait for; a beam still running could then, at its
     * length, beat the worse of them, and goes on to end better than both.
     */
    @Test
    void earlyStoppingEndsOnceTheHypothesesWaitedForHaveFinished() throws Exception {
        float[][][] script = {
                rows(new float[] {0, NONE, NONE, -0.2f}),
                rows(new float[] {-0.3f, NONE, NONE, 0}),
                rows(new float[] {0, NONE, NONE, NONE}),
                rows(new float[] {NONE, NONE, NONE, 0})};

        BeamSearch.Hypothesis early = search(new ScriptedSteps(script), true, 8);
        BeamSearch.Hypothesis searchedOn = search(new ScriptedSteps(script), false, 8);

        // Ended on the first step (one token) and on the second: the second scores better over its two tokens.
        assertThat(early.tokens()).containsExactly(PROMPT, 0, END);
        // Token 0 on the second step, then two certain tokens: the same log-probability over four tokens.
        assertThat(searchedOn.tokens()).containsExactly(PROMPT, 0, 0, 0, END);
        assertThat(searchedOn.score()).isGreaterThan(early.score());
    }

    /** As transformers' generate(num_beams=2): the search goes on while a beam could beat a finished hypothesis. */
    private static BeamSearch.Hypothesis search(ScriptedSteps steps) throws Exception {
        return search(steps, false, 4);
    }

    private static BeamSearch.Hypothesis search(ScriptedSteps steps, boolean earlyStopping, int limit) throws Exception {
        return new BeamSearch(List.of(), END, limit, new WhisperDecoder.Beams(2, 1.0, 1.0, earlyStopping))
                .search(steps, List.of(new int[] {PROMPT})).get(0);
    }

    private static float[][] rows(float[]... rows) {
        return rows;
    }

    /** Gives each step's scores from a script (a first step's one row for every beam) and keeps what it was given. */
    private static final class ScriptedSteps implements DecoderSteps {
        private final float[][][] script;
        final List<int[][]> given = new ArrayList<>();

        ScriptedSteps(float[][]... script) {
            this.script = script;
        }

        @Override
        public float[][] next(int[][] sequences, int length) {
            given.add(Arrays.stream(sequences).map(sequence -> Arrays.copyOf(sequence, length)).toArray(int[][]::new));
            float[][] step = script[given.size() - 1];
            float[][] rows = new float[sequences.length][];
            for (int row = 0; row < rows.length; row++) {
                rows[row] = step[Math.min(row, step.length - 1)].clone();
            }
            return rows;
        }

        @Override
        public float[] firstStepRow(int row, int position) {
            throw new UnsupportedOperationException("no first-step scores are asked of a search");
        }

        @Override
        public void reorder(int[] sources) {
            // The script's rows do not depend on the beams' past.
        }

        @Override
        public void close() {
            // Nothing held.
        }
    }
}
