package io.sensorium.processors.speech.whisper;

/**
 * One of the rules that shape a decoding step's scores before the greedy choice, as transformers' logits
 * processors do for Whisper; a rule forbids a token by setting its score to negative infinity.
 */
interface LogitsFilter {
    /**
     * @param sequence     the decoder's tokens so far, prompt included
     * @param length       how many of {@code sequence} are filled
     * @param promptLength where the generated tokens begin
     * @param scores       the scores of the next token, changed in place
     */
    void apply(int[] sequence, int length, int promptLength, float[] scores);
}
