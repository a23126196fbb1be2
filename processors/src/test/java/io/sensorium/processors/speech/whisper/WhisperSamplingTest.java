package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decoder's sampling at a temperature, on the random-weight fixture: near 0 it draws greedy decoding's tokens;
 * seeded alike it draws alike; hot, the samples of one window part from greedy decoding and from one another.
 */
class WhisperSamplingTest {
    private static final int MAX_NEW_TOKENS = 24;
    private static WhisperModel model;
    private static WhisperDecoder decoder;
    private static int[] prompt;

    @BeforeAll
    static void load() {
        model = Fixtures.randomWhisper(WhisperModel.DecoderGraphs.AUTO);
        decoder = new WhisperDecoder(model);
        prompt = decoder.prompt(true, null);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<WhisperDecoder.Result> decode(int samples, WhisperDecoder.Sampling sampling) throws Exception {
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(Fixtures.referenceWindow("smooth.f32"));
             WhisperEncoder.EncoderOutput copies = encoded.repeated(0, samples)) {
            return decoder.decodeBatch(copies, Collections.nCopies(samples, prompt), true, MAX_NEW_TOKENS, true, sampling);
        }
    }

    @Test
    void nearZeroTheSamplesAreGreedyDecoding() throws Exception {
        int[] greedy = decode(1, WhisperDecoder.Sampling.GREEDY).get(0).tokens();
        for (WhisperDecoder.Result sample : decode(3, new WhisperDecoder.Sampling(1e-4, 7))) {
            assertThat(sample.tokens()).isEqualTo(greedy);
        }
    }

    @Test
    void oneSeedDrawsOneTextAndAHighTemperatureOthersThanGreedy() throws Exception {
        WhisperDecoder.Sampling hot = new WhisperDecoder.Sampling(5.0, 42);
        List<WhisperDecoder.Result> first = decode(4, hot);
        List<WhisperDecoder.Result> again = decode(4, hot);
        int[] greedy = decode(1, WhisperDecoder.Sampling.GREEDY).get(0).tokens();
        for (int i = 0; i < first.size(); i++) {
            assertThat(again.get(i).tokens()).isEqualTo(first.get(i).tokens());
            assertThat(first.get(i).tokens()).isNotEqualTo(greedy);
            assertThat(again.get(i).sumLogprob()).isEqualTo(first.get(i).sumLogprob());
        }
        assertThat(first.get(0).tokens()).isNotEqualTo(first.get(1).tokens());
    }
}
