package io.sensorium.processors.speech.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentWordsTest {
    @Test
    void wordsKeepTheirLeadingSpaceAndShareTheSegmentsTimeByCharacters() {
        List<TimedWord> words = SegmentWords.split(2.0, 4.0, " ask not,");

        assertThat(words).extracting(TimedWord::text).containsExactly(" ask", " not,");
        // 4 + 5 characters over 2 s: " ask" takes 4/9 of it.
        assertThat(words.get(0).start()).isEqualTo(2.0);
        assertThat(words.get(0).end()).isCloseTo(2.0 + 2.0 * 4 / 9, within(1e-12));
        assertThat(words.get(1).start()).isEqualTo(words.get(0).end());
        assertThat(words.get(1).end()).isEqualTo(4.0);
        assertThat(Commit.text(words)).isEqualTo(" ask not,");
    }

    @Test
    void aSegmentWithoutDurationGivesWordsWithoutDuration() {
        List<TimedWord> words = SegmentWords.split(1.5, 1.5, " so, my");

        assertThat(words).extracting(TimedWord::start).containsOnly(1.5);
        assertThat(words).extracting(TimedWord::end).containsOnly(1.5);
    }

    @Test
    void textWithoutLeadingSpaceAndBlankTextAreHandled() {
        assertThat(SegmentWords.split(0, 1, "Hello world")).extracting(TimedWord::text)
                .containsExactly("Hello", " world");
        assertThat(SegmentWords.split(0, 1, " ")).isEmpty();
        assertThat(SegmentWords.split(0, 1, "")).isEmpty();
    }

    @Test
    void wordsGoBackIntoTheSegmentsWhisperCutThemInto() {
        List<TimedWord> words = new ArrayList<>(SegmentWords.split(0, 3, " And so, my fellow Americans,"));
        words.set(4, words.get(4).endingSegment());
        words.addAll(SegmentWords.split(3, 5, " ask not what"));
        words.set(7, words.get(7).endingSegment());
        words.addAll(SegmentWords.split(5, 6, " your country"));

        List<List<TimedWord>> segments = SegmentWords.segments(words);

        assertThat(segments).extracting(Commit::text)
                .containsExactly(" And so, my fellow Americans,", " ask not what", " your country");
        assertThat(segments.get(0).get(0).start()).isZero();
        assertThat(segments.get(2).get(1).end()).isEqualTo(6.0);
        assertThat(SegmentWords.segments(List.of())).isEmpty();
    }
}
