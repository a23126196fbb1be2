package io.sensorium.processors.speech;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.processors.speech.whisper.WhisperDecoder;
import io.sensorium.processors.speech.whisper.WhisperModel;
import io.sensorium.processors.speech.whisper.WhisperTask;
import io.sensorium.processors.speech.whisper.WhisperTranscriber;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a stream's windows are prompted with, as faster-whisper's transcribe keeps it: the initial prompt first, then
 * the tokens of the segments before (timestamps included), cut to the last 223; nothing once a window needed a
 * temperature above prompt-reset-on-temperature or with condition-on-previous-text off; hotwords before the previous
 * tokens in every prompt (get_prompt's layout).
 */
class PromptContextTest {
    private static final int START_OF_PREVIOUS = 50360;
    private static final int START_OF_TRANSCRIPT = 50257;

    @Test
    void theContextCarriesTheSegmentsBeforeAndResetsWhereFasterWhisperDoes() {
        try (SpeechEngine engine = SpeechEngine.open(config(Map.of("speech.initial-prompt", "  Kennedy spoke. ")))) {
            int[] initial = engine.initialContext();
            assertThat(initial).containsExactly(engine.tokens(" Kennedy spoke."));
            int[] segment = {50364, 400, 370, 50414};
            WhisperTranscriber.Segment said = new WhisperTranscriber.Segment(0, 1, new int[] {400, 370}, segment, null);
            int[] next = engine.nextContext(initial, transcript(0.0), List.of(said));
            assertThat(next).hasSize(initial.length + 4).endsWith(segment);
            // A window that needed a temperature above 0.5: what it said is not carried on.
            assertThat(engine.nextContext(next, transcript(0.6), List.of(said))).isEmpty();
            assertThat(engine.nextContext(next, transcript(0.4), List.of(said))).hasSize(next.length + 4);
            int[] many = new int[300];
            WhisperTranscriber.Segment longer = new WhisperTranscriber.Segment(0, 1, many, many, null);
            assertThat(engine.nextContext(next, transcript(0.0), List.of(longer))).hasSize(223);
        }
        try (SpeechEngine engine = SpeechEngine.open(config(Map.of("speech.condition-on-previous-text", "false")))) {
            WhisperTranscriber.Segment said = new WhisperTranscriber.Segment(0, 1, new int[] {400}, new int[] {400}, null);
            assertThat(engine.initialContext()).isEmpty();
            assertThat(engine.nextContext(new int[0], transcript(0.0), List.of(said))).isEmpty();
        }
    }

    @Test
    void hotwordsGoBeforeThePreviousTokensAsInFasterWhispersPrompt() {
        try (WhisperModel model = WhisperModel.load(fixture(), WhisperModel.Options.cpu(1))) {
            WhisperDecoder decoder = new WhisperDecoder(model);
            int[] hotwords = {1000, 1001};
            int[] previous = {2000, 2001, 2002};
            assertThat(decoder.prompt(hotwords, previous, true, null, WhisperTask.TRANSCRIBE))
                    .containsExactly(START_OF_PREVIOUS, 1000, 1001, 2000, 2001, 2002, START_OF_TRANSCRIPT);
            assertThat(decoder.prompt(hotwords, new int[0], false, null, WhisperTask.TRANSCRIBE))
                    .containsExactly(START_OF_PREVIOUS, 1000, 1001, START_OF_TRANSCRIPT, 50362);
            assertThat(decoder.prompt(new int[0], new int[0], true, null, WhisperTask.TRANSCRIBE))
                    .containsExactly(START_OF_TRANSCRIPT);
        }
    }

    private static WhisperTranscriber.WindowTranscript transcript(double temperature) {
        WhisperDecoder.Result decoding = new WhisperDecoder.Result(new int[] {START_OF_TRANSCRIPT}, 1, 0, true, 0);
        return new WhisperTranscriber.WindowTranscript(List.of(), 3000, decoding, "en", null, temperature);
    }

    private static SensoriumConfig config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("speech.model", fixture().toString());
        return ConfigLoader.load(null, Map.of(), all);
    }

    private static Path fixture() {
        try {
            return Path.of(PromptContextTest.class.getResource("/fixtures/whisper-tiny-random").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
