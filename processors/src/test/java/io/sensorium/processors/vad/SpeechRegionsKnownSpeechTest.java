package io.sensorium.processors.vad;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.SensoriumConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link SpeechRegions#knownSpeech}: what live transcription may decode, unlike the guess {@code nextSpeech} makes. */
class SpeechRegionsKnownSpeechTest {
    private static final SensoriumConfig.VadOptions DEFAULTS = new SensoriumConfig.VadOptions(0.5, null, 250, 2000, 400);

    @Test
    void silenceSoFarIsNoKnownSpeechThoughItsUnscoredTailMayYetBe() {
        SpeechRegions regions = new SpeechRegions(DEFAULTS);
        regions.accept(probabilities(100, 0f));

        assertThat(regions.nextSpeech(0)).isLessThan(100L * SileroVad.WINDOW);
        assertThat(regions.knownSpeech(0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void openAndClosedRegionsAreKnownSpeech() {
        SpeechRegions regions = new SpeechRegions(DEFAULTS);
        regions.accept(probabilities(50, 0f));
        regions.accept(probabilities(50, 0.9f));
        assertThat(regions.knownSpeech(0)).as("open").isEqualTo(regions.nextSpeech(0)).isLessThan(50L * SileroVad.WINDOW);

        regions.accept(probabilities(200, 0f));
        long end = regions.regions().get(0)[1];
        assertThat(regions.knownSpeech(0)).as("closed").isEqualTo(regions.regions().get(0)[0]);
        assertThat(regions.knownSpeech(end)).as("after it").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aPauseInAnOpenRegionIsNoKnownSpeechUntilTheSpeakerGoesOn() {
        SpeechRegions regions = new SpeechRegions(DEFAULTS);
        regions.accept(probabilities(50, 0.9f));
        assertThat(regions.silentSince()).as("speaking").isEqualTo(-1);

        regions.accept(probabilities(20, 0f));
        long pause = 50L * SileroVad.WINDOW;
        assertThat(regions.silentSince()).isEqualTo(pause);
        assertThat(regions.knownSpeech(0)).as("before the pause").isZero();
        assertThat(regions.knownSpeech(pause)).as("in it").isEqualTo(Long.MAX_VALUE);
        assertThat(regions.nextSpeech(pause)).as("but the region may go on").isEqualTo(pause);

        regions.accept(probabilities(5, 0.9f));
        assertThat(regions.silentSince()).isEqualTo(-1);
        assertThat(regions.knownSpeech(pause)).as("it went on").isEqualTo(pause);
    }

    private static float[] probabilities(int windows, float p) {
        float[] probabilities = new float[windows];
        Arrays.fill(probabilities, p);
        return probabilities;
    }
}
