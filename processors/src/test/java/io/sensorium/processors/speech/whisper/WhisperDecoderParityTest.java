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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java encoder and greedy decoder against transformers' {@code generate()} on the random-weight fixture
 * (models/tools/export_whisper_fixture.py): the same token ids, exactly, for every reference input, with and
 * without the KV cache, with and without timestamps, for the pair of decoder graphs and for the merged one.
 */
class WhisperDecoderParityTest {
    private static WhisperModel pair;
    private static WhisperModel merged;

    @BeforeAll
    static void load() {
        pair = Fixtures.randomWhisper(WhisperModel.DecoderGraphs.PAIR);
        merged = Fixtures.randomWhisper(WhisperModel.DecoderGraphs.MERGED);
    }

    @AfterAll
    static void close() {
        pair.close();
        merged.close();
    }

    static Stream<Arguments> cases() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : Fixtures.referenceCases()) {
            for (String layout : new String[] {"pair", "merged"}) {
                for (boolean cache : new boolean[] {true, false}) {
                    cases.add(Arguments.of(c.path("input").asText(), c.path("timestamps").asBoolean(),
                            c.path("max_new_tokens").asInt(), cache, layout, Fixtures.ints(c.path("tokens"))));
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
        WhisperDecoder decoder = new WhisperDecoder(model);
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(Fixtures.referenceWindow(input))) {
            WhisperDecoder.Result result = decoder.decode(encoded, decoder.prompt(timestamps, null), timestamps,
                    maxNewTokens, cache);
            assertThat(result.tokens()).containsExactly(expected);
            // End-of-text is reported exactly when the reference ends with it.
            assertThat(result.endOfText()).isEqualTo(expected[expected.length - 1] == 50256);
            assertThat(result.sumLogprob()).isNegative();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"noise", "smooth"})
    void encoderOutputMatchesPyTorch(String input) throws Exception {
        int width = pair.dModel();
        float[][] expected = Fixtures.floats("whisper-tiny-random/reference/" + input + ".encoder.f32", 1500, width);
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(pair).encode(Fixtures.referenceWindow(input + ".f32"))) {
            float[] actual = encoded.values();
            double worst = 0;
            for (int t = 0; t < 1500; t++) {
                for (int d = 0; d < width; d++) {
                    worst = Math.max(worst, Math.abs(actual[t * width + d] - expected[t][d]));
                }
            }
            assertThat(worst).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void previousTextComesAfterStartOfPreviousAndBeforeTheTranscriptionPrompt() {
        WhisperDecoder decoder = new WhisperDecoder(pair);
        int startOfPrevious = pair.tokenizer().specialTokenId("<|startofprev|>").orElseThrow();
        int[] plain = decoder.prompt(true, null);
        int[] previous = pair.tokenizer().encode(" ask not what your country can do for you");

        int[] prompted = decoder.prompt(previous, true, null);

        assertThat(prompted[0]).isEqualTo(startOfPrevious);
        assertThat(Arrays.copyOfRange(prompted, 1, 1 + previous.length)).containsExactly(previous);
        assertThat(Arrays.copyOfRange(prompted, 1 + previous.length, prompted.length)).containsExactly(plain);
        // openai's and transformers' limit: half the 448-token context, less one, of the latest text.
        int[] long_ = new int[500];
        Arrays.setAll(long_, i -> 400 + i);
        int[] cut = decoder.prompt(long_, true, null);
        assertThat(cut).hasSize(1 + 223 + plain.length);
        assertThat(cut[1]).isEqualTo(400 + 500 - 223);
    }

    @ParameterizedTest(name = "decoder={0}")
    @ValueSource(strings = {"pair", "merged"})
    void withPreviousTextTheCacheChangesNothingAndNoSpeechIsReadAtTheTranscriptStart(String layout) throws Exception {
        WhisperModel model = layout.equals("merged") ? merged : pair;
        WhisperDecoder decoder = new WhisperDecoder(model);
        int[] prompt = decoder.prompt(model.tokenizer().encode(" And so my fellow Americans"), true, null);
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(Fixtures.referenceWindow("smooth.f32"))) {
            WhisperDecoder.Result cached = decoder.decode(encoded, prompt, true, 24, true);
            WhisperDecoder.Result full = decoder.decode(encoded, prompt, true, 24, false);
            assertThat(cached.tokens()).containsExactly(full.tokens());
            assertThat(cached.promptLength()).isEqualTo(prompt.length);
            assertThat(cached.noSpeechProb()).isCloseTo(full.noSpeechProb(), within(1e-6));
            WhisperDecoder.Result unprompted = decoder.decode(encoded, decoder.prompt(true, null), true, 24, true);
            assertThat(cached.noSpeechProb()).as("read after the previous text, so not the unprompted value")
                    .isNotCloseTo(unprompted.noSpeechProb(), within(1e-9));
        }
    }

    static Stream<Arguments> layoutsAndCache() {
        return Stream.of(Arguments.of("pair", true), Arguments.of("pair", false), Arguments.of("merged", true),
                Arguments.of("merged", false));
    }

    @ParameterizedTest(name = "decoder={0} cache={1}")
    @MethodSource("layoutsAndCache")
    void aPrefixThatIsTheStartOfTheDecodingGivesTheSameDecodingInFewerSteps(String layout, boolean cache)
            throws Exception {
        WhisperModel model = layout.equals("merged") ? merged : pair;
        WhisperDecoder decoder = new WhisperDecoder(model);
        int[] prompt = decoder.prompt(model.tokenizer().encode(" And so my fellow Americans"), true, null);
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(Fixtures.referenceWindow("smooth.f32"))) {
            WhisperDecoder.Result free = decoder.decode(encoded, prompt, true, 24, cache);
            int[] generated = free.generated();
            assertThat(generated.length).as("enough to cut a prefix from").isGreaterThan(8);
            int[] prefix = Arrays.copyOf(generated, 6);

            WhisperDecoder.Result forced = decoder.decodeBatch(encoded, List.of(prompt), List.of(prefix), true, 24,
                    cache, WhisperDecoder.Sampling.GREEDY).get(0);

            assertThat(forced.tokens()).containsExactly(free.tokens());
            assertThat(forced.generated()).startsWith(prefix);
            assertThat(forced.prefixLength()).isEqualTo(6);
            assertThat(forced.sampled()).isEqualTo(free.sampled() - 6);
            assertThat(forced.sumLogprob()).as("the prefix's tokens were not chosen").isGreaterThan(free.sumLogprob());
            assertThat(forced.noSpeechProb()).as("a prefix says there is speech").isNaN();
        }
    }
}
