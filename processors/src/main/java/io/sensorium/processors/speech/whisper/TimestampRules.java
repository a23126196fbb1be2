package io.sensorium.processors.speech.whisper;

import java.util.Arrays;

/**
 * Whisper's timestamp rules (openai's ApplyTimestampRules, transformers' WhisperTimeStampLogitsProcessor): no
 * {@code <|notimestamps|>}; timestamps come in pairs (except right before end-of-text) and never go back; the first
 * token is a timestamp no later than {@code max_initial_timestamp}; and when the timestamps together are likelier
 * than any single text token, the next token is a timestamp.
 */
final class TimestampRules implements LogitsFilter {
    private final int noTimestamps;
    private final int timestampBegin;
    private final int eos;
    private final Integer maxInitialTimestampIndex;

    TimestampRules(GenerationConfig config) {
        this.noTimestamps = config.noTimestampsTokenId();
        this.timestampBegin = config.timestampBegin();
        this.eos = config.eosTokenId();
        this.maxInitialTimestampIndex = config.maxInitialTimestampIndex();
    }

    @Override
    public void apply(int[] sequence, int length, int promptLength, float[] scores) {
        scores[noTimestamps] = Float.NEGATIVE_INFINITY;
        int generated = length - promptLength;
        boolean lastWasTimestamp = generated >= 1 && sequence[length - 1] >= timestampBegin;
        boolean penultimateWasTimestamp = generated < 2 || sequence[length - 2] >= timestampBegin;
        if (lastWasTimestamp) {
            if (penultimateWasTimestamp) {
                Arrays.fill(scores, timestampBegin, scores.length, Float.NEGATIVE_INFINITY);
            } else {
                Arrays.fill(scores, 0, eos, Float.NEGATIVE_INFINITY);
            }
        }
        int lastTimestamp = -1;
        for (int i = promptLength; i < length; i++) {
            if (sequence[i] >= timestampBegin) {
                lastTimestamp = sequence[i];
            }
        }
        if (lastTimestamp >= 0) {
            // A pair's second timestamp may repeat the first; after a pair the next must move on.
            int forbiddenBelow = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
            Arrays.fill(scores, timestampBegin, Math.min(forbiddenBelow, scores.length), Float.NEGATIVE_INFINITY);
        }
        if (length == promptLength) {
            Arrays.fill(scores, 0, timestampBegin, Float.NEGATIVE_INFINITY);
            if (maxInitialTimestampIndex != null) {
                int lastAllowed = timestampBegin + maxInitialTimestampIndex;
                if (lastAllowed + 1 < scores.length) {
                    Arrays.fill(scores, lastAllowed + 1, scores.length, Float.NEGATIVE_INFINITY);
                }
            }
        }
        if (timestampsLikelierThanText(scores)) {
            Arrays.fill(scores, 0, timestampBegin, Float.NEGATIVE_INFINITY);
        }
    }

    /**
     * Whether logsumexp of the timestamps' log-probabilities beats the best text token's log-probability. Both sides
     * are log-softmax values with the same normaliser, which cancels: comparing logsumexp of the timestamps' scores
     * with the best text score needs exponentials of the ~1500 timestamp scores only, not of the whole vocabulary
     * (that pass was a tenth of each decoding step's time).
     */
    private boolean timestampsLikelierThanText(float[] scores) {
        float bestText = LogSumExp.max(scores, 0, timestampBegin);
        float maxTimestamp = LogSumExp.max(scores, timestampBegin, scores.length);
        if (maxTimestamp == Float.NEGATIVE_INFINITY) {
            return false;
        }
        double timestampMass = LogSumExp.sumExp(scores, timestampBegin, scores.length, maxTimestamp);
        return maxTimestamp + Math.log(timestampMass) > bestText;
    }
}
