package io.sensorium.core.records;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Names of the Kafka headers every Sensorium record carries, and typed access to them.
 *
 * <p>Values are UTF-8 decimal text rather than binary ints so that {@code kafka-console-consumer
 * --property print.headers=true} and {@code sensorium tail} show them as they are. RECORD-FORMATS.md is the
 * reference for which record type carries which header.
 */
public final class RecordHeaders {
    public static final String SCHEMA = "sensorium.schema";
    public static final String STREAM = "sensorium.stream";
    public static final String SEQUENCE = "sensorium.seq";
    public static final String SAMPLE_OFFSET = "sensorium.sample-offset";
    public static final String SAMPLE_RATE = "sensorium.sample-rate";
    public static final String END_OF_STREAM = "sensorium.eos";
    public static final String FIRST_FRAME = "sensorium.first-frame";
    public static final String MEL_BINS = "sensorium.mel-bins";
    public static final String STREAM_SAMPLES = "sensorium.stream-samples";
    public static final String VAD_WINDOW = "sensorium.vad-window";
    public static final String SPEECH_PROB = "sensorium.speech-prob";
    public static final String SOURCE = "sensorium.source";
    /** "true" on the frames of a live source (a URL): ingest read them as the camera sent them. */
    public static final String LIVE = "sensorium.live";
    public static final String TIMESTAMP_US = "sensorium.timestamp-us";
    public static final String WIDTH = "sensorium.width";
    public static final String HEIGHT = "sensorium.height";
    public static final String INPUT_WIDTH = "sensorium.input-width";
    public static final String INPUT_HEIGHT = "sensorium.input-height";
    public static final String PIXEL_SCALE = "sensorium.pixel-scale";
    public static final String PIXEL_MEAN = "sensorium.pixel-mean";
    public static final String PIXEL_STD = "sensorium.pixel-std";
    public static final String MODEL = "sensorium.model";
    public static final String PIXEL_FORMAT = "sensorium.pixel-format";
    public static final String TRACK_ID = "sensorium.track-id";
    public static final String LABEL = "sensorium.label";
    public static final String SCORE = "sensorium.score";

    private RecordHeaders() {}

    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    public static void put(Headers headers, String name, long value) {
        put(headers, name, Long.toString(value));
    }

    public static void put(Headers headers, String name, boolean value) {
        put(headers, name, Boolean.toString(value));
    }

    /** The last value of a header, or null when the record has none. */
    public static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static String required(Headers headers, String name) {
        String value = text(headers, name);
        if (value == null || value.isEmpty()) {
            throw new InvalidRecordException("missing header " + name);
        }
        return value;
    }

    public static long requiredLong(Headers headers, String name) {
        String value = required(headers, name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidRecordException("header " + name + " is not a whole number: '" + value + "'");
        }
    }

    public static int requiredInt(Headers headers, String name) {
        long value = requiredLong(headers, name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new InvalidRecordException("header " + name + " is out of range: " + value);
        }
        return (int) value;
    }

    /** A whole-number header of a record that may be malformed: {@code fallback} when absent or not a number. */
    public static long longOr(Headers headers, String name, long fallback) {
        String value = text(headers, name);
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException notANumber) {
            return fallback;
        }
    }

    public static boolean flag(Headers headers, String name) {
        return Boolean.parseBoolean(text(headers, name));
    }

    /**
     * The checks every Sensorium record passes before its value is read: the schema, a value within the size limit,
     * a stream header that agrees with the key.
     *
     * @return the stream id
     */
    public static String requireEnvelope(String what, String schema, int maxValueBytes, String key, byte[] value,
                                         Headers headers) {
        requireSchema(headers, schema);
        if (value == null) {
            throw new InvalidRecordException(what + " has no value");
        }
        if (value.length > maxValueBytes) {
            throw new InvalidRecordException(what + " of " + value.length + " bytes is over the limit of " + maxValueBytes);
        }
        String stream = required(headers, STREAM);
        if (key != null && !key.equals(stream)) {
            throw new InvalidRecordException("record key '" + key + "' differs from its stream header '" + stream + "'");
        }
        return stream;
    }

    /** Rejects a record whose schema header names another record type or a version this build does not read. */
    public static void requireSchema(Headers headers, String expected) {
        String schema = text(headers, SCHEMA);
        if (schema == null) {
            throw new InvalidRecordException("missing header " + SCHEMA + " (expected " + expected + ")");
        }
        if (!schema.equals(expected)) {
            throw new InvalidRecordException("unsupported schema '" + schema + "' (this processor reads " + expected + ")");
        }
    }
}
