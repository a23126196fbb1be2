package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorium.processors.onnx.ModelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Language detection, pinned languages and translation against transformers on the random-weight multilingual
 * fixture (models/tools/export_whisper_multilingual_fixture.py, converted by the project's converter): every
 * language's probability within 1e-4, the same language detected, among all and among a set, and the same tokens
 * as {@code generate()} with the language detected, pinned, and with task translate.
 */
class MultilingualParityTest {
    private static final int MAX_NEW_TOKENS = 24;
    private static WhisperModel model;

    @BeforeAll
    static void load() {
        model = Fixtures.multilingualWhisper();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Stream<JsonNode> cases() throws Exception {
        List<JsonNode> cases = new ArrayList<>();
        Fixtures.multilingualCases().forEach(cases::add);
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void detectionGivesTheReferenceProbabilities(JsonNode reference) throws Exception {
        WhisperDecoder decoder = new WhisperDecoder(model);
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(window(reference))) {
            LanguageDetection all = decoder.detectLanguage(encoded, decoder.languages()).get(0);
            assertThat(all.language()).isEqualTo(reference.path("detected").asText());
            assertThat(all.probabilities()).hasSize(reference.path("language_probabilities").size());
            reference.path("language_probabilities").fields().forEachRemaining(language ->
                    assertThat(all.probabilities().get(language.getKey())).as(language.getKey())
                            .isCloseTo(language.getValue().asDouble(), within(1e-4)));
            List<String> among = new ArrayList<>();
            reference.path("among").forEach(code -> among.add(code.asText()));
            LanguageDetection restricted = decoder.detectLanguage(encoded, among).get(0);
            assertThat(restricted.language()).isEqualTo(reference.path("among_detected").asText());
            assertThat(restricted.probability()).isCloseTo(reference.path("among_probability").asDouble(), within(1e-4));
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void detectedPinnedAndTranslatedTokensEqualGenerate(JsonNode reference) throws Exception {
        String detected = reference.path("detected").asText();
        JsonNode tokens = reference.path("tokens");
        WhisperTranscriber.WindowTranscript auto = transcribe(LanguageChoice.AUTO, WhisperTask.TRANSCRIBE, reference);
        assertThat(auto.decoding().tokens()).containsExactly(Fixtures.ints(tokens.path("auto")));
        assertThat(auto.language()).isEqualTo(detected);
        assertThat(auto.detection().probability())
                .isCloseTo(reference.path("language_probabilities").path(detected).asDouble(), within(1e-4));

        WhisperTranscriber.WindowTranscript pinned = transcribe(LanguageChoice.parse("de"), WhisperTask.TRANSCRIBE,
                reference);
        assertThat(pinned.decoding().tokens()).containsExactly(Fixtures.ints(tokens.path("pinned_de")));
        assertThat(pinned.language()).isEqualTo("de");
        assertThat(pinned.detection()).isNull();

        WhisperTranscriber.WindowTranscript translated = transcribe(LanguageChoice.parse(detected),
                WhisperTask.TRANSLATE, reference);
        assertThat(translated.decoding().tokens()).containsExactly(Fixtures.ints(tokens.path("translate")));
    }

    /**
     * With 5 beams the search runs to the length limit past a finished hypothesis of one token (the greedy choice),
     * with 3 it stops there: both as transformers' beam search. Both inputs' windows in one batch give each its own.
     */
    @ParameterizedTest
    @ValueSource(ints = {5, 3})
    void beamSearchTokensEqualGenerateWithBeams(int beams) throws Exception {
        WhisperDecoder decoder = new WhisperDecoder(model);
        List<float[][]> windows = new ArrayList<>();
        List<int[]> prompts = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        for (JsonNode reference : Fixtures.multilingualCases()) {
            windows.add(window(reference));
            prompts.add(decoder.prompt(new int[0], new int[0], false, reference.path("detected").asText(), WhisperTask.TRANSCRIBE));
            expected.add(Fixtures.ints(reference.path("tokens").path("beams_" + beams)));
        }
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(windows)) {
            List<WhisperDecoder.Result> results = decoder.decodeBeams(encoded, prompts, false, MAX_NEW_TOKENS,
                    asGenerate(beams, 1.0));
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).tokens()).as("window " + i).containsExactly(expected.get(i));
                assertThat(results.get(i).endOfText()).isEqualTo(expected.get(i)[expected.get(i).length - 1] == 50257);
            }
        }
    }

    /**
     * The converter's decoder graphs broadcast one window's encoder states over its beams: they are stored once for
     * the five, and the search gives what it gives with a copy per beam (the batch of two windows above).
     */
    @Test
    void oneWindowsBeamsShareItsEncoderStates() throws Exception {
        JsonNode reference = Fixtures.multilingualCases().get(1);
        WhisperDecoder decoder = new WhisperDecoder(model);
        int[] prompt = decoder.prompt(new int[0], new int[0], false, reference.path("detected").asText(), WhisperTask.TRANSCRIBE);
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(window(reference));
             WhisperEncoder.EncoderOutput beams = encoded.repeatedEach(5)) {
            assertThat(beams.batch()).isEqualTo(5);
            assertThat(beams.hiddenStates().getInfo().getShape()[0]).isEqualTo(1);
            WhisperDecoder.Result result = decoder.decodeBeams(encoded, List.of(prompt), false, MAX_NEW_TOKENS,
                    asGenerate(5, 1.0)).get(0);
            assertThat(result.tokens()).containsExactly(Fixtures.ints(reference.path("tokens").path("beams_5")));
        }
    }

    /**
     * A window's beams run their first step, over the whole prompt, on one row, and spread its keys/values over the
     * others: the search, its score and the no-speech probability are those of the same window's beams each running
     * it on its own row (the window twice in one batch, where the states are copied per beam), with a prompt of
     * previous text as condition_on_previous_text gives.
     */
    @Test
    void aWindowsBeamsShareTheirFirstStepAndSearchAsIfEachRanIt() throws Exception {
        JsonNode reference = Fixtures.multilingualCases().get(0);
        WhisperDecoder decoder = new WhisperDecoder(model);
        int[] previous = Fixtures.ints(reference.path("tokens").path("beams_5"));
        int[] prompt = decoder.prompt(new int[0], Arrays.copyOfRange(previous, 3, previous.length - 1), false,
                reference.path("detected").asText(), WhisperTask.TRANSCRIBE);
        float[][] window = window(reference);
        try (WhisperEncoder.EncoderOutput one = new WhisperEncoder(model).encode(window);
             WhisperEncoder.EncoderOutput two = new WhisperEncoder(model).encode(List.of(window, window))) {
            WhisperDecoder.Beams beams = asGenerate(5, 1.0);
            WhisperDecoder.Result shared = decoder.decodeBeams(one, List.of(prompt), false, MAX_NEW_TOKENS, beams).get(0);
            WhisperDecoder.Result own = decoder.decodeBeams(two, List.of(prompt, prompt), false, MAX_NEW_TOKENS, beams)
                    .get(1);
            assertThat(prompt.length).isGreaterThan(previous.length - 4);
            assertThat(shared.tokens()).containsExactly(own.tokens());
            assertThat(shared.sumLogprob()).isCloseTo(own.sumLogprob(), within(1e-5));
            assertThat(shared.noSpeechProb()).isCloseTo(own.noSpeechProb(), within(1e-6));
        }
    }

    /** More patience keeps more finished hypotheses before stopping: the best of them can only score as well or better. */
    @Test
    void patienceSearchesOnForAHypothesisAsGoodOrBetter() throws Exception {
        JsonNode reference = Fixtures.multilingualCases().get(0);
        WhisperDecoder decoder = new WhisperDecoder(model);
        int[] prompt = decoder.prompt(new int[0], new int[0], false, reference.path("detected").asText(), WhisperTask.TRANSCRIBE);
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(window(reference))) {
            WhisperDecoder.Result patient = decoder.decodeBeams(encoded, List.of(prompt), false, MAX_NEW_TOKENS,
                    asGenerate(3, 3.0)).get(0);
            WhisperDecoder.Result plain = decoder.decodeBeams(encoded, List.of(prompt), false, MAX_NEW_TOKENS,
                    asGenerate(3, 1.0)).get(0);
            assertThat(plain.tokens()).containsExactly(Fixtures.ints(reference.path("tokens").path("beams_3")));
            assertThat(score(patient)).isGreaterThanOrEqualTo(score(plain));
        }
    }

    /** The references are transformers' {@code generate(num_beams=size)}: its early_stopping is False. */
    private static WhisperDecoder.Beams asGenerate(int size, double patience) {
        return new WhisperDecoder.Beams(size, patience, 1.0, false);
    }

    private static double score(WhisperDecoder.Result result) {
        return result.sumLogprob() / (result.tokens().length - result.promptLength());
    }

    @Test
    void wholeWindowsAreDecodedByBeamSearchAndLiveBuffersGreedily() throws Exception {
        JsonNode reference = Fixtures.multilingualCases().get(0);
        WhisperTranscriber transcriber = new WhisperTranscriber(model, false, LanguageChoice.AUTO,
                WhisperTask.TRANSCRIBE, MAX_NEW_TOKENS, TemperatureFallback.greedyOnly(-1.0, 0.6),
                asGenerate(5, 1.0), "", false);
        WhisperTranscriber.Window whole = WhisperTranscriber.Window.whole(window(reference), WhisperModel.WINDOW_FRAMES);
        WhisperTranscriber.Window live = WhisperTranscriber.Window.live(window(reference), WhisperModel.WINDOW_FRAMES,
                WhisperModel.WINDOW_FRAMES, new int[0], new int[0]);
        assertThat(transcriber.shape(whole)).isNotEqualTo(transcriber.shape(live));
        assertThat(transcriber.transcribeWindow(whole).decoding().tokens())
                .containsExactly(Fixtures.ints(reference.path("tokens").path("beams_5")));
        assertThat(transcriber.transcribeWindow(live).decoding().tokens())
                .containsExactly(Fixtures.ints(reference.path("tokens").path("auto")));
    }

    /**
     * The time of each token of the 5-beam decoding, from the alignment heads' cross-attention over the first 2000
     * frames, as transformers' {@code return_token_timestamps} gives it (each a multiple of 0.02 s, so exactly).
     */
    @ParameterizedTest
    @MethodSource("cases")
    void tokenTimesEqualTransformersTokenTimestamps(JsonNode reference) throws Exception {
        int[] tokens = Fixtures.ints(reference.path("tokens").path("beams_5"));
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(window(reference))) {
            double[] times = new CrossAttentionAligner(model).align(encoded, 0, tokens, 4,
                    reference.path("timed_frames").asInt()).times();
            double[] expected = new double[tokens.length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = reference.path("token_times").get(i).asDouble();
            }
            assertThat(times).containsExactly(expected, within(1e-6));
        }
    }

    @Test
    void aStreamsLanguageOnceKnownIsNotDetectedAgain() throws Exception {
        JsonNode reference = Fixtures.multilingualCases().get(0);
        WhisperTranscriber transcriber = new WhisperTranscriber(model, false, LanguageChoice.AUTO,
                WhisperTask.TRANSCRIBE, MAX_NEW_TOKENS, TemperatureFallback.greedyOnly(-1.0, 0.6),
                WhisperTranscriber.GREEDY, "", false);
        WhisperTranscriber.WindowTranscript known = transcriber.transcribeWindow(
                WhisperTranscriber.Window.whole(window(reference), WhisperModel.WINDOW_FRAMES).in("de"));
        assertThat(known.language()).isEqualTo("de");
        assertThat(known.detection()).isNull();
        assertThat(known.decoding().tokens()).containsExactly(Fixtures.ints(reference.path("tokens").path("pinned_de")));
    }

    @Test
    void unknownLanguagesAndEnglishOnlyTranslationAreRefusedUpFront() {
        TemperatureFallback greedy = TemperatureFallback.greedyOnly(-1.0, 0.6);
        assertThatThrownBy(() -> new WhisperTranscriber(model, false, LanguageChoice.parse("en,xx"),
                WhisperTask.TRANSCRIBE, MAX_NEW_TOKENS, greedy, WhisperTranscriber.GREEDY, "", false))
                .isInstanceOf(ModelException.class).hasMessageContaining("has no language 'xx'");
        try (WhisperModel english = Fixtures.randomWhisper(WhisperModel.DecoderGraphs.AUTO)) {
            assertThatThrownBy(() -> new WhisperTranscriber(english, false, LanguageChoice.AUTO, WhisperTask.TRANSLATE,
                    MAX_NEW_TOKENS, greedy, WhisperTranscriber.GREEDY, "", false)).isInstanceOf(ModelException.class).hasMessageContaining("English-only")
                    .hasMessageContaining("cannot translate");
            assertThatThrownBy(() -> new WhisperTranscriber(english, false, LanguageChoice.parse("de"),
                    WhisperTask.TRANSCRIBE, MAX_NEW_TOKENS, greedy, WhisperTranscriber.GREEDY, "", false)).isInstanceOf(ModelException.class)
                    .hasMessageContaining("English-only");
            WhisperTranscriber auto = new WhisperTranscriber(english, false, LanguageChoice.AUTO, WhisperTask.TRANSCRIBE,
                    MAX_NEW_TOKENS, greedy, WhisperTranscriber.GREEDY, "", false);
            assertThat(auto.transcribeWindow(WhisperTranscriber.Window.whole(Fixtures.referenceWindow("noise.f32"),
                    WhisperModel.WINDOW_FRAMES)).language()).isEqualTo("en");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void languageSettingsParse() {
        assertThat(LanguageChoice.parse("auto").codes()).isEmpty();
        assertThat(LanguageChoice.parse("").pinned()).isNull();
        assertThat(LanguageChoice.parse(" de ").pinned()).isEqualTo("de");
        assertThat(LanguageChoice.parse("en,de,fr").codes()).containsExactly("en", "de", "fr");
        assertThat(LanguageChoice.parse("en,de,fr").pinned()).isNull();
        assertThatThrownBy(() -> LanguageChoice.parse("German")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'German'");
        assertThat(WhisperTask.parse("translate")).isEqualTo(WhisperTask.TRANSLATE);
        assertThatThrownBy(() -> WhisperTask.parse("summarise")).isInstanceOf(IllegalArgumentException.class);
    }

    private static WhisperTranscriber.WindowTranscript transcribe(LanguageChoice languages, WhisperTask task,
                                                                  JsonNode reference) throws Exception {
        return new WhisperTranscriber(model, false, languages, task, MAX_NEW_TOKENS,
                TemperatureFallback.greedyOnly(-1.0, 0.6), WhisperTranscriber.GREEDY, "", false)
                .transcribeWindow(WhisperTranscriber.Window.whole(window(reference), WhisperModel.WINDOW_FRAMES));
    }

    private static float[][] window(JsonNode reference) throws Exception {
        return Fixtures.referenceWindow(reference.path("input").asText());
    }
}
