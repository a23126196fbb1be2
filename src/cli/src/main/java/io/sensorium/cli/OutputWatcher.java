package io.sensorium.cli;

import io.sensorium.core.kafka.DeadLetters;
import io.sensorium.core.kafka.KafkaConnection;
import io.sensorium.core.records.RecordHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows an output topic (transcripts, detections) and the dead-letter topic from the moment it is created and
 * reports, for a set of streams, each output record and each stage's dead letter as it arrives, until every stream's
 * end marker has come.
 */
final class OutputWatcher implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final String outputTopic;
    private final Function<byte[], Object> reader;
    private final Class<?> endType;
    private final Set<String> open = new HashSet<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * Positions itself at the current end of both topics, so only this run's records are reported.
     *
     * @param reader  decodes an output record's value
     * @param endType the class of the decoded end-of-stream marker
     */
    OutputWatcher(KafkaConnection connection, String outputTopic, String deadLetterTopic, Function<byte[], Object> reader,
                  Class<?> endType) {
        this.consumer = KafkaClients.reader(connection);
        this.outputTopic = outputTopic;
        this.reader = reader;
        this.endType = endType;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(outputTopic, deadLetterTopic)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    void expect(Collection<String> streams) {
        open.addAll(streams);
    }

    /** A stream that will never end on the output topic, e.g. a file that could not be decoded at all. */
    void abandon(String stream, String reason) {
        open.remove(stream);
        problems.add(stream + ": " + reason);
    }

    boolean done() {
        return open.isEmpty();
    }

    List<String> problems() {
        return problems;
    }

    /** @param onRecord gets each decoded output record, the end markers too */
    void poll(Duration timeout, Consumer<Object> onRecord) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            if (!open.contains(record.key())) {
                continue;
            }
            if (record.topic().equals(outputTopic)) {
                Object value = reader.apply(record.value());
                if (endType.isInstance(value)) {
                    open.remove(record.key());
                }
                onRecord.accept(value);
            } else if (record.headers().lastHeader(DeadLetters.SOURCE_TOPIC) != null) {
                // Only the stages' dead letters name a source record. Ingest reports its own failures as it publishes;
                // counting its dead letters here too would report them twice (or once, depending on when they came).
                problems.add(record.key() + ": " + RecordHeaders.text(record.headers(), DeadLetters.STAGE) + " dead-lettered a record: "
                        + RecordHeaders.text(record.headers(), DeadLetters.ERROR));
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
