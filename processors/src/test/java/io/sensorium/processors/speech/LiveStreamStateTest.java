package io.sensorium.processors.speech;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.processors.speech.live.LocalAgreement;
import io.sensorium.processors.speech.live.TimedWord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a restarted task reads back from the state store is where the stream stood, commit policy included. */
class LiveStreamStateTest {
    @Test
    void readsBackWhatItWrote() {
        LiveStreamState state = LiveStreamState.fresh(LocalAgreement.Options.DEFAULT);
        state.framesReceived = 1200;
        state.transcribedFrame = 1100;
        state.segments = 3;
        state.partialRevision = 7;
        state.avgLogprob = -0.25;
        state.language = "it";
        state.languageProbability = 0.9;
        state.languageFixed = true;
        state.agreement.insert(List.of(new TimedWord(0.5, 0.9, " ask"), new TimedWord(0.9, 1.2, " not")), 1.5);

        LiveStreamState read = LiveStreamState.fromBytes(state.toBytes(), LocalAgreement.Options.DEFAULT);

        assertThat(read.framesReceived).isEqualTo(1200);
        assertThat(read.transcribedFrame).isEqualTo(1100);
        assertThat(read.segments).isEqualTo(3);
        assertThat(read.partialRevision).isEqualTo(7);
        assertThat(read.avgLogprob).isEqualTo(-0.25);
        assertThat(read.language).isEqualTo("it");
        assertThat(read.languageProbability).isEqualTo(0.9);
        assertThat(read.languageFixed).isTrue();
        assertThat(read.agreement.snapshot()).isEqualTo(state.agreement.snapshot());
        assertThat(read.agreement.pending()).extracting(TimedWord::text).containsExactly(" ask", " not");
    }

    @Test
    void aLanguageNotYetKnownReadsBackAsNone() {
        LiveStreamState read = LiveStreamState.fromBytes(LiveStreamState.fresh(LocalAgreement.Options.DEFAULT).toBytes(),
                LocalAgreement.Options.DEFAULT);
        assertThat(read.language).isNull();
        assertThat(read.languageProbability).isNull();
        assertThat(read.languageFixed).isFalse();
    }
}
