package io.sensorium.processors.speech.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WordErrorRateTest {
    @Test
    void countsEachKindOfEdit() {
        assertThat(WordErrorRate.of("ask not what your country", "ask not what your country"))
                .isEqualTo(new WordErrorRate(0, 0, 0, 5));
        assertThat(WordErrorRate.of("ask not what your country", "ask now what your country"))
                .isEqualTo(new WordErrorRate(1, 0, 0, 5));
        // One deletion and one insertion (2 errors) rather than three substitutions.
        assertThat(WordErrorRate.of("a b c d e", "a b d e f")).isEqualTo(new WordErrorRate(0, 1, 1, 5));
        assertThat(WordErrorRate.of("a b c", "")).isEqualTo(new WordErrorRate(0, 3, 0, 3));
        assertThat(WordErrorRate.of("", "a b")).isEqualTo(new WordErrorRate(0, 0, 2, 0));
        assertThat(WordErrorRate.of("", "a b").rate()).isEqualTo(1.0);
        assertThat(WordErrorRate.of("a b c d", "a x c d").rate()).isEqualTo(0.25);
    }

    /** An hour of speech is some 10,000 words a side: a full table of them would not fit in a small heap. */
    @Test
    void anHourOfWordsAgainstAnother() {
        String reference = IntStream.range(0, 12_000).mapToObj(i -> "w" + i % 997).collect(Collectors.joining(" "));
        String hypothesis = reference.replace("w5 ", "x5 ");
        WordErrorRate wer = WordErrorRate.of(reference, hypothesis);
        assertThat(wer.referenceWords()).isEqualTo(12_000);
        assertThat(wer.errors()).isEqualTo(wer.substitutions()).isEqualTo((int) IntStream.range(0, 12_000)
                .filter(i -> i % 997 == 5).count());
    }
}
