package io.sensorium.core.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class AudioChunkSerdeTest {
    private final AudioChunkSerde serde = new AudioChunkSerde(1000);

    private Headers headersOf(AudioChunk chunk) {
        Headers headers = new RecordHeaders();
        serde.writeHeaders(chunk, headers);
        return headers;
    }

    @Test
    void roundTripsSamplesAndHeaders() {
        AudioChunk chunk = new AudioChunk("cam-1", 7, 112_000, 16_000, true, new short[] {0, 1, -1, Short.MAX_VALUE, Short.MIN_VALUE});
        AudioChunk read = serde.read("cam-1", serde.value(chunk), headersOf(chunk));
        assertThat(read.streamId()).isEqualTo("cam-1");
        assertThat(read.sequence()).isEqualTo(7);
        assertThat(read.sampleOffset()).isEqualTo(112_000);
        assertThat(read.sampleRate()).isEqualTo(16_000);
        assertThat(read.endOfStream()).isTrue();
        assertThat(read.samples()).containsExactly(chunk.samples());
        assertThat(read.startSeconds()).isEqualTo(7.0);
    }

    @Test
    void rejectsOddLengthValue() {
        AudioChunk chunk = new AudioChunk("s", 0, 0, 16_000, false, new short[] {1, 2});
        byte[] truncated = Arrays.copyOf(serde.value(chunk), 3);
        assertThatThrownBy(() -> serde.read("s", truncated, headersOf(chunk)))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("not whole PCM16 samples");
    }

    @Test
    void rejectsOversizedValue() {
        AudioChunk chunk = new AudioChunk("s", 0, 0, 16_000, false, new short[600]);
        assertThatThrownBy(() -> serde.read("s", serde.value(chunk), headersOf(chunk)))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("over the limit");
    }

    @Test
    void rejectsUnknownSchemaVersion() {
        AudioChunk chunk = new AudioChunk("s", 0, 0, 16_000, false, new short[2]);
        Headers headers = headersOf(chunk);
        io.sensorium.core.records.RecordHeaders.put(headers, io.sensorium.core.records.RecordHeaders.SCHEMA, "audio-pcm16/9");
        assertThatThrownBy(() -> serde.read("s", serde.value(chunk), headers))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("unsupported schema 'audio-pcm16/9'");
    }

    @Test
    void rejectsMissingHeaderAndKeyMismatch() {
        AudioChunk chunk = new AudioChunk("s", 0, 0, 16_000, false, new short[2]);
        Headers headers = headersOf(chunk);
        headers.remove(io.sensorium.core.records.RecordHeaders.SAMPLE_RATE);
        assertThatThrownBy(() -> serde.read("s", serde.value(chunk), headers))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("missing header sensorium.sample-rate");
        assertThatThrownBy(() -> serde.read("other", serde.value(chunk), headersOf(chunk)))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("differs from its stream header");
    }
}
