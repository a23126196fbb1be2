package io.sensorium.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Every committed record of a topic from its start, each with the moment it arrived here (System.nanoTime), read on a
 * thread of its own outside any consumer group.
 */
final class TopicWatch implements AutoCloseable {
    /** A record and when it was read. */
    record Arrival(long nanos, ConsumerRecord<String, byte[]> record) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Arrival> arrivals = new ArrayList<>();
    private final Thread reader;
    private volatile RuntimeException failure;

    private TopicWatch(String bootstrapServers, String topic) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-watch-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // An arrival is timed to within this, not to the broker's default half second.
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20,
                // An exactly-once stage's aborted attempts are not output.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(() -> read(topic), "watch-" + topic);
        reader.setDaemon(true);
        reader.start();
    }

    static TopicWatch start(String bootstrapServers, String topic) {
        return new TopicWatch(bootstrapServers, topic);
    }

    private void read(String topic) {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    synchronized (arrivals) {
                        arrivals.add(new Arrival(now, record));
                    }
                }
                synchronized (arrivals) {
                    arrivals.notifyAll();
                }
            }
        } catch (WakeupException closing) {
            // close() asked the poll to return: the watch is over.
        } catch (RuntimeException e) {
            failure = e;
            synchronized (arrivals) {
                arrivals.notifyAll();
            }
        } finally {
            consumer.close();
        }
    }

    /** The arrivals so far, once {@code done} holds for them. */
    List<Arrival> await(Predicate<List<Arrival>> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            while (!done.test(arrivals)) {
                if (failure != null) {
                    throw new IllegalStateException("reading the topic failed: " + failure.getMessage(), failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("not done after " + timeout + " (" + arrivals.size() + " records)");
                }
                arrivals.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(arrivals);
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        reader.join();
    }
}
