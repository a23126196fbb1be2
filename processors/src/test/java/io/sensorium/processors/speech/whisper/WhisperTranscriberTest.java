package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Window by window, the segments and seeks of transformers' {@code generate(return_timestamps=True)}, which runs
 * openai/whisper's seek loop: decode a window, cut it at timestamp pairs, move on to the last timestamp (the last
 * segment was cut off) or the window's end, pad what is left with zeros and decode again.
 */
class WhisperTranscriberTest {
    private static final int EOS = 50256;
    private static WhisperModel model;

    @BeforeAll
    static void load() {
        model = Fixtures.randomWhisper(WhisperModel.DecoderGraphs.AUTO);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Stream<JsonNode> cases() throws Exception {
        List<JsonNode> cases = new ArrayList<>();
        Fixtures.referenceCases().forEach(cases::add);
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void segmentsAndSeeksEqualTransformers(JsonNode reference) throws Exception {
        boolean timestamps = reference.path("timestamps").asBoolean();
        WhisperTranscriber transcriber = new WhisperTranscriber(model, timestamps,
                reference.path("max_new_tokens").asInt(), TemperatureFallback.greedyOnly(-1.0, 0.6));
        float[][] input = Fixtures.referenceWindow(reference.path("input").asText());
        List<double[]> times = new ArrayList<>();
        List<int[]> texts = new ArrayList<>();
        int seek = 0;
        int passes = 0;
        while (seek < input.length) {
            float[][] window = new float[WhisperModel.WINDOW_FRAMES][model.melBins()];
            for (int t = 0; seek + t < input.length; t++) {
                window[t] = input[seek + t].clone();
            }
            WhisperTranscriber.WindowTranscript transcript = transcriber.transcribeWindow(
                    WhisperTranscriber.Window.whole(window, Math.min(WhisperModel.WINDOW_FRAMES, input.length - seek)));
            if (passes == 0) {
                assertThat(transcript.decoding().tokens()).containsExactly(Fixtures.ints(reference.path("tokens")));
            }
            for (WhisperTranscriber.Segment segment : transcript.segments()) {
                times.add(new double[] {seek / 100.0 + segment.start(), seek / 100.0 + segment.end(),
                        (seek + Math.min(WhisperModel.WINDOW_FRAMES, input.length - seek)) / 100.0});
                texts.add(segment.tokens());
            }
            seek += transcript.advanceFrames();
            passes++;
        }
        if (!timestamps) {
            // Without timestamps generate() decodes once; the window is one segment of its text.
            assertThat(passes).isEqualTo(1);
            assertThat(times).containsExactly(new double[] {0, 30, 30});
            int[] tokens = Fixtures.ints(reference.path("tokens"));
            assertThat(texts.get(0)).containsExactly(Arrays.stream(tokens).skip(2).filter(t -> t < EOS).toArray());
            return;
        }
        assertThat(passes).isEqualTo(reference.path("passes").asInt());
        List<JsonNode> expected = new ArrayList<>();
        reference.path("segments").forEach(s -> {
            if (Arrays.stream(Fixtures.ints(s.path("tokens"))).anyMatch(t -> t < EOS)) {
                expected.add(s);
            }
        });
        assertThat(times).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode s = expected.get(i);
            // A random model's timestamps can run past the window's audio, where generate() leaves them; Sensorium
            // ends segments within the audio.
            double windowEnd = times.get(i)[2];
            assertThat(times.get(i)[0]).as("segment %d start", i)
                    .isCloseTo(Math.min(windowEnd, s.path("start").asDouble()), within(1e-4));
            assertThat(times.get(i)[1]).as("segment %d end", i)
                    .isCloseTo(Math.min(windowEnd, s.path("end").asDouble()), within(1e-4));
            assertThat(texts.get(i)).as("segment %d tokens", i)
                    .containsExactly(Arrays.stream(Fixtures.ints(s.path("tokens"))).filter(t -> t < EOS).toArray());
        }
    }

    @Test
    void aDecodingThatRepeatsItselfIsRepetitiveWhetherOrNotItEnded() {
        WhisperTranscriber transcriber = new WhisperTranscriber(model, true,
                WhisperTranscriber.DEFAULT_MAX_NEW_TOKENS, TemperatureFallback.greedyOnly(-1.0, 0.6));
        String sentence = " And so my fellow Americans, ask not what your country can do for you.";

        boolean plain = transcriber.repetitive(transcript(sentence, true));
        boolean unended = transcriber.repetitive(transcript(sentence, false));
        boolean looping = transcriber.repetitive(transcript(" the right government,".repeat(12), true));
        boolean loopingOn = transcriber.repetitive(transcript(" the right government,".repeat(12), false));

        assertThat(plain).isFalse();
        assertThat(unended).as("cut off at the token limit, but no loop").isFalse();
        assertThat(looping).as("zlib shrinks it more than 2.4 times").isTrue();
        assertThat(loopingOn).isTrue();
    }

    private static WhisperTranscriber.WindowTranscript transcript(String text, boolean ended) {
        int[] prompt = {50257, 50362};
        int[] words = model.tokenizer().encode(text);
        int[] tokens = Arrays.copyOf(prompt, prompt.length + words.length + (ended ? 1 : 0));
        System.arraycopy(words, 0, tokens, prompt.length, words.length);
        if (ended) {
            tokens[tokens.length - 1] = EOS;
        }
        WhisperDecoder.Result decoding = new WhisperDecoder.Result(tokens, prompt.length, -5.0, ended, 0.01);
        return new WhisperTranscriber.WindowTranscript(List.of(), 3000, decoding, "en", null, 0);
    }
}
