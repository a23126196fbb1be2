package io.sensorium.processors.speech;

/**
 * One of the rules that shape a decoding step's scores before the greedy choice, as transformers' logits
 * processors do for Whisper; a rule forbids a token by setting its score to negative infinity.
 */
interface LogitsFilter {
    /**
     * @param sequence    the decoder's tokens so far, prompt included
     * @param length      how many of {@code sequence} are filled
     * @param promptLength where the generated tokens begin
     * @param scores      the scores of the next token, changed in place
     */
    void apply(int[] sequence, int length, int promptLength, float[] scores);

    /** Forbids {@code suppressTokens} at every step (transformers' SuppressTokensLogitsProcessor). */
    static LogitsFilter suppress(int[] suppressTokens) {
        return (sequence, length, promptLength, scores) -> {
            for (int token : suppressTokens) {
                if (token < scores.length) {
                    scores[token] = Float.NEGATIVE_INFINITY;
                }
            }
        };
    }

    /** Forbids {@code tokens} as the first generated token only (SuppressTokensAtBeginLogitsProcessor). */
    static LogitsFilter suppressAtBegin(int[] tokens) {
        LogitsFilter suppress = suppress(tokens);
        return (sequence, length, promptLength, scores) -> {
            if (length == promptLength) {
                suppress.apply(sequence, length, promptLength, scores);
            }
        };
    }
}
