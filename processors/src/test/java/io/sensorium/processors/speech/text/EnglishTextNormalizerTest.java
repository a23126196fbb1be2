package io.sensorium.processors.speech.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Against openai-whisper's own EnglishTextNormalizer (models/tools/normalizer_reference.py). */
class EnglishTextNormalizerTest {
    private final EnglishTextNormalizer normalizer = new EnglishTextNormalizer();

    static Stream<Arguments> reference() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(EnglishTextNormalizerTest.class.getResource("/fixtures/normalizer/reference.json"));
        return StreamSupport.stream(cases.spliterator(), false)
                .map(c -> Arguments.of(c.path("text").asText(), c.path("normalized").asText()));
    }

    /** Character for character, spaces at either end included. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("reference")
    void normalisesAsWhisperDoes(String text, String normalized) {
        assertThat(normalizer.normalize(text)).isEqualTo(normalized);
    }

    @Test
    void wordErrorRateCountsEachKindOfEdit() {
        WordErrorRate wer = WordErrorRate.of("ask not what your country can do", "ask what your county can do for");
        assertThat(wer.deletions()).isEqualTo(1);
        assertThat(wer.substitutions()).isEqualTo(1);
        assertThat(wer.insertions()).isEqualTo(1);
        assertThat(wer.rate()).isEqualTo(3.0 / 7);
        assertThat(WordErrorRate.of("same words", "same words").rate()).isZero();
    }
}
