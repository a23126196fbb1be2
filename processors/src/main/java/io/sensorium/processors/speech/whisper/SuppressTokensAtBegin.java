package io.sensorium.processors.speech.whisper;

/**
 * Forbids begin_suppress_tokens (a blank, end-of-text) as the first generated token only (transformers'
 * SuppressTokensAtBeginLogitsProcessor), so a window never decodes to nothing outright.
 */
final class SuppressTokensAtBegin implements LogitsFilter {
    private final SuppressTokens suppress;

    SuppressTokensAtBegin(int[] tokens) {
        this.suppress = new SuppressTokens(tokens);
    }

    @Override
    public void apply(int[] sequence, int length, int promptLength, float[] scores) {
        if (length == promptLength) {
            suppress.apply(sequence, length, promptLength, scores);
        }
    }
}
