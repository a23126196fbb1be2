package io.sensorium.ingest;

import io.sensorium.core.kafka.DeadLetters;
import io.sensorium.core.records.RecordHeaders;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/** What every ingest does besides publishing its records: dead letters for sources it cannot read, and acks. */
public final class IngestRecords {
    private IngestRecords() {}

    /**
     * A dead letter for a source that failed: empty value, the source named in {@code sensorium.source}, the reason
     * in the error headers. Ingest failures have no source record, so no topic/partition/offset.
     */
    public static void deadLetter(Producer<String, byte[]> producer, String topic, String stage, String streamId,
                                  String source, Exception error) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        RecordHeaders.put(headers, RecordHeaders.STREAM, streamId);
        RecordHeaders.put(headers, RecordHeaders.SOURCE, source);
        producer.send(new ProducerRecord<>(topic, null, streamId, new byte[0],
                DeadLetters.headers(headers, stage, error, null)));
    }

    /** Waits for Kafka to acknowledge a send (and so every earlier send of the same producer and partition). */
    public static void await(Future<?> send, String streamId) {
        if (send == null) {
            return;
        }
        try {
            send.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing stream " + streamId, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka refused stream " + streamId + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
