package io.sensorium.processors.speech;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java encoder and greedy decoder against transformers' {@code generate()} on the random-weight fixture
 * (models/tools/export_whisper_fixture.py): the same token ids, exactly, with and without the KV cache, with and
 * without timestamps, for the pair of decoder graphs and for the merged one.
 */
class WhisperDecoderParityTest {
    private static WhisperModel pair;
    private static WhisperModel merged;

    @BeforeAll
    static void load(@TempDir Path dir) throws Exception {
        pair = WhisperModel.load(Fixtures.randomWhisper(), 1, "cpu");
        merged = WhisperModel.load(Fixtures.mergedLayout(dir), 1, "cpu");
    }

    @AfterAll
    static void close() {
        pair.close();
        merged.close();
    }

    static Stream<Arguments> cases() throws Exception {
        JsonNode reference = new ObjectMapper().readTree(Fixtures.path("whisper-tiny-random/reference/generate.json").toFile());
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : reference) {
            for (String layout : new String[] {"pair", "merged"}) {
                for (boolean cache : new boolean[] {true, false}) {
                    cases.add(Arguments.of(c.path("input").asText(), c.path("timestamps").asBoolean(),
                            c.path("max_new_tokens").asInt(), cache, layout, toInts(c.path("tokens"))));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} timestamps={1} cache={3} decoder={4}")
    @MethodSource("cases")
    void greedyTokensEqualTransformersGenerate(String input, boolean timestamps, int maxNewTokens, boolean cache,
                                               String layout, int[] expected) throws Exception {
        WhisperModel model = layout.equals("merged") ? merged : pair;
        assertThat(model.merged()).isEqualTo(layout.equals("merged"));
        float[][] features = Fixtures.floats("whisper-tiny-random/reference/" + input, 3000, 80);
        WhisperDecoder decoder = new WhisperDecoder(model);
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(features)) {
            WhisperDecoder.Result result = decoder.decode(encoded, decoder.prompt(timestamps, null), timestamps,
                    maxNewTokens, cache);
            assertThat(result.tokens()).containsExactly(expected);
        }
    }

    @Test
    void encoderOutputMatchesPyTorch() throws Exception {
        float[][] features = Fixtures.floats("whisper-tiny-random/reference/noise.f32", 3000, 80);
        float[][] expected = Fixtures.floats("whisper-tiny-random/reference/noise.encoder.f32", 1500, 12);
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(pair).encode(features)) {
            float[] actual = encoded.values();
            double worst = 0;
            for (int t = 0; t < 1500; t++) {
                for (int d = 0; d < 12; d++) {
                    worst = Math.max(worst, Math.abs(actual[t * 12 + d] - expected[t][d]));
                }
            }
            assertThat(worst).isLessThanOrEqualTo(1e-4);
        }
    }

    private static int[] toInts(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
