package io.sensorium.core.records;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;

/**
 * Writes and reads {@link PixelFrame}s as Kafka records: the image (PNG or JPEG) is the value, geometry and
 * normalisation ride in headers. Schema {@value #SCHEMA}, see RECORD-FORMATS.md.
 */
public final class PixelFrameSerde {
    public static final String SCHEMA = "pixels-rgb8/1";

    private final int maxValueBytes;

    /** @param maxValueBytes the largest value accepted on read */
    public PixelFrameSerde(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    public void writeHeaders(PixelFrame frame, Headers headers) {
        RecordHeaders.put(headers, RecordHeaders.SCHEMA, SCHEMA);
        RecordHeaders.put(headers, RecordHeaders.STREAM, frame.streamId());
        RecordHeaders.put(headers, RecordHeaders.SEQUENCE, frame.sequence());
        RecordHeaders.put(headers, RecordHeaders.END_OF_STREAM, frame.endOfStream());
        if (frame.endOfStream()) {
            return;
        }
        RecordHeaders.put(headers, RecordHeaders.TIMESTAMP_US, frame.timestampMicros());
        RecordHeaders.put(headers, RecordHeaders.WIDTH, frame.frameWidth());
        RecordHeaders.put(headers, RecordHeaders.HEIGHT, frame.frameHeight());
        RecordHeaders.put(headers, RecordHeaders.INPUT_WIDTH, frame.inputWidth());
        RecordHeaders.put(headers, RecordHeaders.INPUT_HEIGHT, frame.inputHeight());
        RecordHeaders.put(headers, RecordHeaders.MODEL, frame.model());
        RecordHeaders.put(headers, RecordHeaders.PIXEL_FORMAT, frame.format().header());
        PixelNormalization normalization = frame.normalization();
        RecordHeaders.put(headers, RecordHeaders.PIXEL_SCALE, Double.toString(normalization.scale()));
        RecordHeaders.put(headers, RecordHeaders.PIXEL_MEAN, join(normalization.mean()));
        RecordHeaders.put(headers, RecordHeaders.PIXEL_STD, join(normalization.std()));
    }

    /** @throws InvalidRecordException when the record is not a well-formed pixel frame or end marker */
    public PixelFrame read(String key, byte[] value, Headers headers) {
        String stream = RecordHeaders.requireEnvelope("pixel frame", SCHEMA, maxValueBytes, key, value, headers);
        long sequence = RecordHeaders.requiredLong(headers, RecordHeaders.SEQUENCE);
        if (RecordHeaders.flag(headers, RecordHeaders.END_OF_STREAM)) {
            return PixelFrame.end(stream, sequence);
        }
        if (value.length == 0) {
            throw new InvalidRecordException("pixel frame " + sequence + " has no image");
        }
        int frameWidth = positive(headers, RecordHeaders.WIDTH);
        int frameHeight = positive(headers, RecordHeaders.HEIGHT);
        int inputWidth = positive(headers, RecordHeaders.INPUT_WIDTH);
        int inputHeight = positive(headers, RecordHeaders.INPUT_HEIGHT);
        PixelNormalization normalization;
        try {
            normalization = new PixelNormalization(number(RecordHeaders.required(headers, RecordHeaders.PIXEL_SCALE)),
                    numbers(RecordHeaders.required(headers, RecordHeaders.PIXEL_MEAN)),
                    numbers(RecordHeaders.required(headers, RecordHeaders.PIXEL_STD)));
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("pixel frame " + sequence + ": bad normalisation headers: " + e.getMessage());
        }
        return new PixelFrame(stream, sequence, RecordHeaders.requiredLong(headers, RecordHeaders.TIMESTAMP_US),
                frameWidth, frameHeight, inputWidth, inputHeight, RecordHeaders.required(headers, RecordHeaders.MODEL),
                normalization, false, PixelFrame.Format.ofHeader(RecordHeaders.required(headers, RecordHeaders.PIXEL_FORMAT)),
                value);
    }

    private static int positive(Headers headers, String name) {
        int value = RecordHeaders.requiredInt(headers, name);
        if (value <= 0) {
            throw new InvalidRecordException("header " + name + " must be positive, not " + value);
        }
        return value;
    }

    private static String join(double[] values) {
        return Arrays.stream(values).mapToObj(Double::toString).collect(Collectors.joining(","));
    }

    private static double number(String text) {
        return Double.parseDouble(text.trim());
    }

    private static double[] numbers(String text) {
        return Arrays.stream(text.split(",")).mapToDouble(PixelFrameSerde::number).toArray();
    }
}
