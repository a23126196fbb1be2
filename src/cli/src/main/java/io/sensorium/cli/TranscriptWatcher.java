package io.sensorium.cli;

import io.sensorium.core.kafka.DeadLetters;
import io.sensorium.core.records.RecordHeaders;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows the transcripts and dead-letter topics from the moment it is created and reports, for a set of streams,
 * each segment and each dead letter as it arrives, until every stream has ended.
 */
final class TranscriptWatcher implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final String transcriptsTopic;
    private final Set<String> open = new HashSet<>();
    private final List<String> problems = new ArrayList<>();

    /** Positions itself at the current end of both topics, so only this run's records are reported. */
    TranscriptWatcher(String bootstrapServers, String transcriptsTopic, String deadLetterTopic) {
        this.consumer = KafkaClients.reader(bootstrapServers);
        this.transcriptsTopic = transcriptsTopic;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(transcriptsTopic, deadLetterTopic)) {
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

    /** A stream that will never end on the transcripts topic, e.g. a file that could not be decoded at all. */
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

    void poll(Duration timeout, Consumer<TranscriptSegment> onSegment) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            if (!open.contains(record.key())) {
                continue;
            }
            if (record.topic().equals(transcriptsTopic)) {
                Object value = TranscriptJson.read(record.value());
                if (value instanceof TranscriptSegment segment) {
                    onSegment.accept(segment);
                } else if (value instanceof TranscriptEnd) {
                    open.remove(record.key());
                }
            } else {
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
