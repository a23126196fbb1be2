package io.sensorium.core.kafka;

import io.sensorium.core.records.RecordHeaders;
import org.apache.kafka.common.header.Headers;

/**
 * Headers of a dead-letter record. A dead letter keeps the original key, value and headers, and adds why and where
 * it failed, so that it can be inspected and, once the cause is fixed, replayed to its source topic.
 */
public final class DeadLetters {
    public static final String ERROR = "sensorium.error";
    public static final String ERROR_CLASS = "sensorium.error.class";
    public static final String STAGE = "sensorium.error.stage";
    public static final String SOURCE_TOPIC = "sensorium.error.topic";
    public static final String SOURCE_PARTITION = "sensorium.error.partition";
    public static final String SOURCE_OFFSET = "sensorium.error.offset";

    private DeadLetters() {}

    /**
     * @param source where the record was read from, or null for a record that failed before reaching Kafka (an
     *               ingest that could not decode its file)
     */
    public static Headers headers(Headers original, String stage, Throwable error, SourcePosition source) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders(original.toArray());
        RecordHeaders.put(headers, ERROR, describe(error));
        RecordHeaders.put(headers, ERROR_CLASS, error.getClass().getName());
        RecordHeaders.put(headers, STAGE, stage);
        if (source != null) {
            RecordHeaders.put(headers, SOURCE_TOPIC, source.topic());
            RecordHeaders.put(headers, SOURCE_PARTITION, source.partition());
            RecordHeaders.put(headers, SOURCE_OFFSET, source.offset());
        }
        return headers;
    }

    /** The message chain, so a wrapped cause ("corrupt ONNX file: ...") is not lost behind its wrapper. */
    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }

    public record SourcePosition(String topic, int partition, long offset) {}
}
