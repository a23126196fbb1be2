package io.sensorium.core.records;

import org.apache.kafka.common.header.Headers;

/**
 * Writes and reads {@link ImageFrame}s as Kafka records: the JPEG is the value, the rest rides in headers. Schema
 * {@value #SCHEMA}, see RECORD-FORMATS.md. The JPEG itself is only checked by whoever decodes it.
 */
public final class ImageFrameSerde {
    public static final String SCHEMA = "image-jpeg/1";

    private final int maxValueBytes;

    /** @param maxValueBytes the largest value accepted on read */
    public ImageFrameSerde(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    public void writeHeaders(ImageFrame frame, Headers headers) {
        RecordHeaders.put(headers, RecordHeaders.SCHEMA, SCHEMA);
        RecordHeaders.put(headers, RecordHeaders.STREAM, frame.streamId());
        RecordHeaders.put(headers, RecordHeaders.SEQUENCE, frame.sequence());
        RecordHeaders.put(headers, RecordHeaders.END_OF_STREAM, frame.endOfStream());
        if (!frame.endOfStream()) {
            RecordHeaders.put(headers, RecordHeaders.TIMESTAMP_US, frame.timestampMicros());
            RecordHeaders.put(headers, RecordHeaders.WIDTH, frame.width());
            RecordHeaders.put(headers, RecordHeaders.HEIGHT, frame.height());
        }
    }

    /** @throws InvalidRecordException when the record is not a well-formed frame or end marker */
    public ImageFrame read(String key, byte[] value, Headers headers) {
        String stream = RecordHeaders.requireEnvelope("frame", SCHEMA, maxValueBytes, key, value, headers);
        long sequence = RecordHeaders.requiredLong(headers, RecordHeaders.SEQUENCE);
        if (sequence < 0) {
            throw new InvalidRecordException("negative frame sequence " + sequence);
        }
        if (RecordHeaders.flag(headers, RecordHeaders.END_OF_STREAM)) {
            return ImageFrame.end(stream, sequence);
        }
        if (value.length == 0) {
            throw new InvalidRecordException("frame " + sequence + " has an empty image");
        }
        int width = RecordHeaders.requiredInt(headers, RecordHeaders.WIDTH);
        int height = RecordHeaders.requiredInt(headers, RecordHeaders.HEIGHT);
        if (width <= 0 || height <= 0) {
            throw new InvalidRecordException("frame " + sequence + " has a zero or negative size " + width + "x" + height);
        }
        long timestamp = RecordHeaders.requiredLong(headers, RecordHeaders.TIMESTAMP_US);
        return new ImageFrame(stream, sequence, timestamp, width, height, false, value);
    }
}
