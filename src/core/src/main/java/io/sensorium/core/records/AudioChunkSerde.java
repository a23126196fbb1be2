package io.sensorium.core.records;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.kafka.common.header.Headers;

/**
 * Writes and reads {@link AudioChunk}s as Kafka records: the samples are the value (PCM16 little-endian), the rest
 * rides in headers. Schema {@value #SCHEMA}, see RECORD-FORMATS.md.
 */
public final class AudioChunkSerde {
    public static final String SCHEMA = "audio-pcm16/1";

    private final int maxValueBytes;

    /** @param maxValueBytes the largest value accepted on read; a bigger one is a producer's error, not audio */
    public AudioChunkSerde(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    public void writeHeaders(AudioChunk chunk, Headers headers) {
        RecordHeaders.put(headers, RecordHeaders.SCHEMA, SCHEMA);
        RecordHeaders.put(headers, RecordHeaders.STREAM, chunk.streamId());
        RecordHeaders.put(headers, RecordHeaders.SEQUENCE, chunk.sequence());
        RecordHeaders.put(headers, RecordHeaders.SAMPLE_OFFSET, chunk.sampleOffset());
        RecordHeaders.put(headers, RecordHeaders.SAMPLE_RATE, chunk.sampleRate());
        RecordHeaders.put(headers, RecordHeaders.END_OF_STREAM, chunk.endOfStream());
    }

    public byte[] value(AudioChunk chunk) {
        ByteBuffer buffer = ByteBuffer.allocate(chunk.samples().length * 2).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asShortBuffer().put(chunk.samples());
        return buffer.array();
    }

    /** @throws InvalidRecordException when the record is not a well-formed audio chunk */
    public AudioChunk read(String key, byte[] value, Headers headers) {
        String stream = RecordHeaders.requireEnvelope("audio chunk", SCHEMA, maxValueBytes, key, value, headers);
        if (value.length % 2 != 0) {
            throw new InvalidRecordException("audio chunk of " + value.length + " bytes is not whole PCM16 samples (truncated?)");
        }
        long sequence = RecordHeaders.requiredLong(headers, RecordHeaders.SEQUENCE);
        long offset = RecordHeaders.requiredLong(headers, RecordHeaders.SAMPLE_OFFSET);
        int rate = RecordHeaders.requiredInt(headers, RecordHeaders.SAMPLE_RATE);
        if (sequence < 0 || offset < 0 || rate <= 0) {
            throw new InvalidRecordException("negative sequence/offset or non-positive sample rate: seq=" + sequence
                    + " offset=" + offset + " rate=" + rate);
        }
        short[] samples = new short[value.length / 2];
        ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        return new AudioChunk(stream, sequence, offset, rate, RecordHeaders.flag(headers, RecordHeaders.END_OF_STREAM), samples);
    }
}
