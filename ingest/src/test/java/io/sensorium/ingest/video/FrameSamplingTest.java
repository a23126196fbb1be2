package io.sensorium.ingest.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.ingest.Backoff;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic of fps sampling, downscaling and reconnect back-off. */
class FrameSamplingTest {

    @Test
    void samplingKeepsTheFirstFrameOfEachSlot() {
        FrameSampler fiveOfThirty = new FrameSampler(5);
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            if (fiveOfThirty.keep(Math.round(i * 1e6 / 30))) {
                kept.add(i);
            }
        }
        assertThat(kept).containsExactly(0, 6, 12, 18, 24, 30, 36, 42, 48, 54);
        FrameSampler every = new FrameSampler(0);
        assertThat(every.keep(0) && every.keep(0) && every.keep(1)).isTrue();
        // Irregular times: one frame per slot, the first to arrive in it.
        FrameSampler two = new FrameSampler(2);
        assertThat(List.of(0L, 100_000L, 520_000L, 990_000L, 1_700_000L, 1_800_000L).stream().filter(two::keep))
                .containsExactly(0L, 520_000L, 1_700_000L);
    }

    @Test
    void framesAreScaledDownToTheLongSideNeverUp() {
        FrameEncoder encoder = new FrameEncoder(800, 90);
        assertThat(encoder.publishedSize(1920, 1080)).containsExactly(800, 450);
        assertThat(encoder.publishedSize(1080, 1920)).containsExactly(450, 800);
        assertThat(encoder.publishedSize(640, 480)).containsExactly(640, 480);
        assertThat(new FrameEncoder(0, 90).publishedSize(4000, 3000)).containsExactly(4000, 3000);
    }

    @Test
    void backoffDoublesUpToItsCapAndGivesUpAfterItsAttempts() {
        Backoff backoff = new Backoff(new SensoriumConfig.Live(0.5, 4, 6));
        List<Long> waits = new ArrayList<>();
        for (long wait = backoff.nextWaitMillis(); wait >= 0; wait = backoff.nextWaitMillis()) {
            waits.add(wait);
        }
        assertThat(waits).containsExactly(500L, 1000L, 2000L, 4000L, 4000L, 4000L);
        backoff.reset();
        assertThat(backoff.nextWaitMillis()).isEqualTo(500);
        Backoff forever = new Backoff(new SensoriumConfig.Live(1, 2, 0));
        for (int i = 0; i < 100; i++) {
            assertThat(forever.nextWaitMillis()).isPositive();
        }
    }
}
