package io.sensorium.cli;

import io.sensorium.core.kafka.KafkaConnection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The work a range holds, estimated without reading it all: each partition's records times the work of the records
 * at the start of its range (chunks of one length, frames one each).
 */
final class WorkEstimate {
    private static final Duration SAMPLE_WAIT = Duration.ofSeconds(10);

    private WorkEstimate() {}

    /** @return work in {@link ReprocessKind#unit()}s by partition */
    static Map<Integer, Double> of(KafkaConnection connection, String topic, List<PartitionRange> ranges, ReprocessKind kind) {
        Map<Integer, Double> estimates = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.reader(connection)) {
            for (PartitionRange range : ranges) {
                if (range.records() == 0) {
                    estimates.put(range.partition(), 0.0);
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic, range.partition());
                consumer.assign(List.of(tp));
                consumer.seek(tp, range.start());
                List<ConsumerRecord<String, byte[]>> sample = List.of();
                long deadline = System.nanoTime() + SAMPLE_WAIT.toNanos();
                while (sample.isEmpty() && System.nanoTime() < deadline) {
                    sample = consumer.poll(Duration.ofMillis(200)).records(tp).stream()
                            .filter(record -> record.offset() < range.end()).toList();
                }
                double perRecord = sample.stream().mapToDouble(kind::amount).average().orElse(0);
                estimates.put(range.partition(), perRecord * range.records());
            }
        }
        return estimates;
    }
}
