package io.sensorium.processors.speech.whisper;

/** Forbids the generation config's suppress_tokens at every step (transformers' SuppressTokensLogitsProcessor). */
final class SuppressTokens implements LogitsFilter {
    private final int[] tokens;

    SuppressTokens(int[] tokens) {
        this.tokens = tokens.clone();
    }

    @Override
    public void apply(int[] sequence, int length, int promptLength, float[] scores) {
        for (int token : tokens) {
            if (token < scores.length) {
                scores[token] = Float.NEGATIVE_INFINITY;
            }
        }
    }
}
