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
    void carriesSpeechProbabilitiesWhenThereAreAny() {
        FeatureChunk chunk = new FeatureChunk("s", 1, 100, 80, 32_000, false, new float[100][80], 31,
                new float[] {0.00004f, 0.5f, 0.98766f});
        Headers headers = new RecordHeaders();
        serde.writeHeaders(chunk, headers);
        assertThat(new String(headers.lastHeader("sensorium.speech-prob").value())).isEqualTo("0.0000,0.5000,0.9877");
        FeatureChunk read = serde.read("s", serde.value(chunk), headers);
        assertThat(read.vadWindow()).isEqualTo(31);
        assertThat(read.speechProbabilities()).containsExactly(0f, 0.5f, 0.9877f);

        Headers none = new RecordHeaders();
        serde.writeHeaders(new FeatureChunk("s", 1, 100, 80, 32_000, false, new float[1][80]), none);
        assertThat(none.lastHeader("sensorium.speech-prob")).isNull();
        assertThat(serde.read("s", new byte[160], none).speechProbabilities()).isNull();

        headers.remove("sensorium.speech-prob");
        headers.add("sensorium.speech-prob", "0.2,1.5".getBytes());
        assertThatThrownBy(() -> serde.read("s", new byte[160], headers))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("not a probability");
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
