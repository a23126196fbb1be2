package io.sensorium.processors.speech;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Against openai-whisper's own EnglishTextNormalizer (models/tools/normalizer_reference.py). */
class EnglishTextNormalizerTest {
    private final EnglishTextNormalizer normalizer = new EnglishTextNormalizer();

    @Test
    void normalisesAsWhisperDoes() throws Exception {
        for (JsonNode c : new ObjectMapper().readTree(Fixtures.path("normalizer/reference.json").toFile())) {
            assertThat(normalizer.normalize(c.path("text").asText()).strip()).as(c.path("text").asText())
                    .isEqualTo(c.path("normalized").asText().strip());
        }
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
