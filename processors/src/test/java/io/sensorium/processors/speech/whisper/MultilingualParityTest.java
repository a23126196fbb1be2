package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorium.processors.onnx.ModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

    @Test
    void aStreamsLanguageOnceKnownIsNotDetectedAgain() throws Exception {
        JsonNode reference = Fixtures.multilingualCases().get(0);
        WhisperTranscriber transcriber = new WhisperTranscriber(model, false, LanguageChoice.AUTO,
                WhisperTask.TRANSCRIBE, MAX_NEW_TOKENS, TemperatureFallback.greedyOnly(-1.0, 0.6));
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
                WhisperTask.TRANSCRIBE, MAX_NEW_TOKENS, greedy))
                .isInstanceOf(ModelException.class).hasMessageContaining("has no language 'xx'");
        try (WhisperModel english = Fixtures.randomWhisper(WhisperModel.DecoderGraphs.AUTO)) {
            assertThatThrownBy(() -> new WhisperTranscriber(english, false, LanguageChoice.AUTO, WhisperTask.TRANSLATE,
                    MAX_NEW_TOKENS, greedy)).isInstanceOf(ModelException.class).hasMessageContaining("English-only")
                    .hasMessageContaining("cannot translate");
            assertThatThrownBy(() -> new WhisperTranscriber(english, false, LanguageChoice.parse("de"),
                    WhisperTask.TRANSCRIBE, MAX_NEW_TOKENS, greedy)).isInstanceOf(ModelException.class)
                    .hasMessageContaining("English-only");
            WhisperTranscriber auto = new WhisperTranscriber(english, false, LanguageChoice.AUTO, WhisperTask.TRANSCRIBE,
                    MAX_NEW_TOKENS, greedy);
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
                TemperatureFallback.greedyOnly(-1.0, 0.6))
                .transcribeWindow(WhisperTranscriber.Window.whole(window(reference), WhisperModel.WINDOW_FRAMES));
    }

    private static float[][] window(JsonNode reference) throws Exception {
        return Fixtures.referenceWindow(reference.path("input").asText());
    }
}
