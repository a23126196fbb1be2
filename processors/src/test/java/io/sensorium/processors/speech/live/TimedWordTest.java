package io.sensorium.processors.speech.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimedWordTest {
    @Test
    void renderingsOfOneWordShareTheirKey() {
        assertThat(new TimedWord(0, 1, " Country,").key()).isEqualTo(new TimedWord(2, 3, " country.").key());
        assertThat(new TimedWord(0, 1, " Café").key()).isEqualTo("café");
    }

    @Test
    void aWordOfPunctuationAloneIsItsOwnKey() {
        assertThat(new TimedWord(0, 1, " -").key()).isEqualTo("-");
        assertThat(new TimedWord(0, 1, " -").key()).isNotEqualTo(new TimedWord(0, 1, " ...").key());
    }

    @Test
    void shiftingMakesBufferTimesStreamTimes() {
        assertThat(new TimedWord(0.5, 0.9, " ask").shifted(120)).isEqualTo(new TimedWord(120.5, 120.9, " ask"));
    }

    @Test
    void aWordEndingBeforeItStartsIsRefused() {
        assertThatThrownBy(() -> new TimedWord(2, 1, " ask")).hasMessageContaining("' ask' has start 2.0 and end 1.0");
        assertThatThrownBy(() -> new TimedWord(Double.NaN, 1, " ask")).isInstanceOf(IllegalArgumentException.class);
    }
}
