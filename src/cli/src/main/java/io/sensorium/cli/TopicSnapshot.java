package io.sensorium.cli;

import io.sensorium.core.kafka.KafkaConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** The committed records a topic holds now, from given offsets to its end as it is when read. */
final class TopicSnapshot {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TopicSnapshot() {}

    /** @param from the first offset by partition; partitions not named are read from their beginning */
    static List<ConsumerRecord<String, byte[]>> read(KafkaConnection connection, String topic, Map<Integer, Long> from) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        forEach(connection, topic, from, records::add);
        return records;
    }

    /** As {@link #read}, handing each record to {@code action} instead of keeping them all. */
    static void forEach(KafkaConnection connection, String topic, Map<Integer, Long> from,
                        Consumer<ConsumerRecord<String, byte[]>> action) {
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.reader(connection)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.stream().filter(tp -> from.containsKey(tp.partition()))
                    .forEach(tp -> consumer.seek(tp, from.get(tp.partition())));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + topic + " to its end within " + TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(action);
            }
        }
    }
}
