package io.sensorium.core.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class FeatureChunkSerdeTest {
    private final FeatureChunkSerde serde = new FeatureChunkSerde(1_000_000);

    @Test
    void quantisationErrorStaysBelowWhisperParityBoundAfterScaling() {
        Random random = new Random(42);
        float[][] frames = new float[100][80];
        for (float[] frame : frames) {
            for (int m = 0; m < frame.length; m++) {
                frame[m] = -10f + 14.7f * random.nextFloat();
            }
        }
        FeatureChunk chunk = new FeatureChunk("s", 3, 300, 80, 64_000, false, frames);
        Headers headers = new RecordHeaders();
        serde.writeHeaders(chunk, headers);
        byte[] value = serde.value(chunk);
        assertThat(value).hasSize(100 * 80 * 2);

        FeatureChunk read = serde.read("s", value, headers);
        assertThat(read.firstFrame()).isEqualTo(300);
        assertThat(read.streamSamples()).isEqualTo(64_000);
        double worst = 0;
        for (int t = 0; t < frames.length; t++) {
            for (int m = 0; m < 80; m++) {
                worst = Math.max(worst, Math.abs(read.frames()[t][m] - frames[t][m]) / 4);
            }
        }
        assertThat(worst).isLessThan(3.1e-5);
    }

    @Test
    void rejectsPartialFrame() {
        FeatureChunk chunk = new FeatureChunk("s", 0, 0, 80, 16_000, false, new float[2][80]);
        Headers headers = new RecordHeaders();
        serde.writeHeaders(chunk, headers);
        byte[] truncated = Arrays.copyOf(serde.value(chunk), 200);
        assertThatThrownBy(() -> serde.read("s", truncated, headers))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("not whole frames of 80 bins");
    }
}
