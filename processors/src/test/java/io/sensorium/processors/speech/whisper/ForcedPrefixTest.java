package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ForcedPrefixTest {
    private static WhisperTokenizer tokenizer;
    private static int begin;

    @BeforeAll
    static void load() {
        tokenizer = WhisperTokenizer.load(Fixtures.randomWhisper().resolve("tokenizer.json"));
        begin = tokenizer.timestampBegin();
    }

    @Test
    void segmentsAreWrittenAsWhisperWritesThemTheLastLeftOpen() {
        ForcedPrefix prefix = new ForcedPrefix(List.of(
                new ForcedPrefix.Segment(0.31, 2.0, " And so, my fellow Americans."),
                new ForcedPrefix.Segment(2.5, 4.0, " Ask not")));

        int[] tokens = prefix.tokens(tokenizer, 10);

        int[] first = tokenizer.encode(" And so, my fellow Americans.");
        int[] second = tokenizer.encode(" Ask not");
        assertThat(tokens).hasSize(1 + first.length + 2 + second.length);
        assertThat(tokens[0]).as("0.31 s rounds to 0.32").isEqualTo(begin + 16);
        assertThat(tokens[1 + first.length]).isEqualTo(begin + 100);
        assertThat(tokens[2 + first.length]).isEqualTo(begin + 125);
        assertThat(tokens[tokens.length - 1]).isLessThan(begin);
        assertThat(tokenizer.decode(tokens)).isEqualTo(" And so, my fellow Americans. Ask not");
    }

    @Test
    void timestampsStayWithinTheAudioAndNeverGoBack() {
        ForcedPrefix prefix = new ForcedPrefix(List.of(
                new ForcedPrefix.Segment(-0.2, 1.0, " one."),
                new ForcedPrefix.Segment(0.9, 3.5, " two."),
                new ForcedPrefix.Segment(3.6, 3.8, " three")));

        int[] stamps = Arrays.stream(prefix.tokens(tokenizer, 3.0)).filter(t -> t >= begin)
                .map(t -> t - begin).toArray();

        assertThat(stamps).containsExactly(0, 50, 50, 150, 150);
        assertThat(ForcedPrefix.NONE.tokens(tokenizer, 3.0)).isEmpty();
    }
}
