package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fallback's decisions on constructed decodings, case by case as faster-whisper's generate_with_fallback makes
 * them (faster_whisper/transcribe.py, 1.2.1): needs_fallback when the compression ratio is above 2.4 or the average
 * log-probability below -1.0, unless the no-speech probability is above 0.6 and the log-probability below -1.0; when
 * every temperature fails, the best average log-probability among the attempts not above the compression ratio
 * threshold, or among all when none is.
 */
class TemperatureFallbackTest {
    private static final TemperatureFallback RULE = TemperatureFallback.DEFAULT;

    /** A decoding of 9 text tokens (and end-of-text) after a 3-token prompt: avg_logprob is the sum over 10. */
    private static WhisperDecoder.Result decoding(double avgLogprob, double noSpeechProb) {
        return new WhisperDecoder.Result(new int[13], 3, avgLogprob * 10, true, noSpeechProb);
    }

    private static TemperatureFallback.Attempt attempt(double compressionRatio, double avgLogprob, double noSpeechProb) {
        return new TemperatureFallback.Attempt(decoding(avgLogprob, noSpeechProb), 0.0, compressionRatio);
    }

    @Test
    void fallsBackOnRepetitiveOrUnlikelyTextUnlessItIsSilence() {
        assertThat(RULE.needsFallback(attempt(1.8, -0.4, 0.01))).as("fine").isFalse();
        assertThat(RULE.needsFallback(attempt(2.41, -0.4, 0.01))).as("too repetitive").isTrue();
        assertThat(RULE.needsFallback(attempt(2.4, -0.4, 0.01))).as("at the threshold").isFalse();
        assertThat(RULE.needsFallback(attempt(1.8, -1.01, 0.01))).as("log-probability too low").isTrue();
        assertThat(RULE.needsFallback(attempt(1.8, -1.0, 0.01))).as("at the threshold").isFalse();
        assertThat(RULE.needsFallback(attempt(1.8, -1.5, 0.7))).as("silence").isFalse();
        assertThat(RULE.needsFallback(attempt(3.0, -1.5, 0.7))).as("silence, however repetitive").isFalse();
        // faster-whisper's silence needs the log-probability too low as well (openai's does not).
        assertThat(RULE.needsFallback(attempt(3.0, -0.5, 0.7))).as("repetitive, likely: not silence").isTrue();
        assertThat(RULE.needsFallback(attempt(1.8, -1.5, 0.6))).as("no-speech at the threshold").isTrue();
    }

    @Test
    void silenceIsTheNoSpeechRule() {
        assertThat(RULE.silence(decoding(-1.5, 0.7))).isTrue();
        assertThat(RULE.silence(decoding(-0.5, 0.7))).isFalse();
        assertThat(RULE.silence(decoding(-1.5, 0.5))).isFalse();
    }

    @Test
    void whenEveryTemperatureFailsTheLikeliestThatDoesNotRepeatItselfStands() {
        TemperatureFallback.Attempt repetitive = attempt(3.0, -0.2, 0.0);
        TemperatureFallback.Attempt unlikely = attempt(1.5, -1.6, 0.0);
        TemperatureFallback.Attempt lessUnlikely = attempt(1.9, -1.2, 0.0);
        assertThat(RULE.whenAllFail(List.of(repetitive, unlikely, lessUnlikely, attempt(1.2, -1.4, 0.0))))
                .isSameAs(lessUnlikely);
        TemperatureFallback.Attempt lessRepetitive = attempt(2.6, -0.9, 0.0);
        assertThat(RULE.whenAllFail(List.of(attempt(3.5, -1.1, 0.0), lessRepetitive, attempt(2.9, -0.9, 0.0))))
                .as("all repetitive: the likeliest, the first of equals").isSameAs(lessRepetitive);
    }

    @Test
    void theLikeliestSampleHasTheBestLogProbabilityPerToken() {
        WhisperDecoder.Result shortAndSure = new WhisperDecoder.Result(new int[5], 3, -0.4, true, 0);
        WhisperDecoder.Result longAndLessSure = new WhisperDecoder.Result(new int[23], 3, -6.0, true, 0);
        // -0.2 a token against -0.3: the total alone would pick the short one too, but not for this reason.
        assertThat(TemperatureFallback.likeliest(List.of(longAndLessSure, shortAndSure))).isSameAs(shortAndSure);
        WhisperDecoder.Result longAndSure = new WhisperDecoder.Result(new int[23], 3, -2.0, true, 0);
        assertThat(TemperatureFallback.likeliest(List.of(shortAndSure, longAndSure))).isSameAs(longAndSure);
    }

    @Test
    void refusesWhatCannotBeDecoded() {
        assertThatThrownBy(() -> new TemperatureFallback(List.of(), 5, 2.4, -1, 0.6)).hasMessageContaining("one temperature");
        assertThatThrownBy(() -> new TemperatureFallback(List.of(0.0, -0.2), 5, 2.4, -1, 0.6)).hasMessageContaining("-0.2");
        assertThatThrownBy(() -> new TemperatureFallback(List.of(0.0), 0, 2.4, -1, 0.6)).hasMessageContaining("best of");
    }
}
