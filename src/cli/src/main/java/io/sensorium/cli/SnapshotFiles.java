package io.sensorium.cli;

import io.sensorium.core.kafka.KafkaConnection;
import io.sensorium.core.records.RecordHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code detect --snapshots DIR}: writes each tracked object's best frame that reaches the snapshots topic during the
 * run as {@code DIR/CAMERA-TRACK-LABEL.jpg}, on a thread of its own. Closing it writes those the stage has committed
 * by then, which, once the run has seen every camera's end, are all of them.
 */
final class SnapshotFiles implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Path dir;
    private final List<TopicPartition> partitions;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Thread thread;
    private volatile RuntimeException failure;
    private int written;

    /** Positions itself at the topic's current end, so only this run's snapshots are written. */
    SnapshotFiles(KafkaConnection connection, String topic, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserFacingError("cannot create the snapshots folder " + dir + ": " + e.getMessage(),
                    UserFacingError.USAGE);
        }
        this.dir = dir;
        this.consumer = KafkaClients.reader(connection);
        this.partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.thread = new Thread(this::follow, "snapshot-files");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        try {
            while (!closing.get()) {
                write(consumer.poll(POLL));
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                write(consumer.poll(POLL));
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private void write(Iterable<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            String track = header(record, RecordHeaders.TRACK_ID).orElse("unknown");
            String label = header(record, RecordHeaders.LABEL).orElse("object");
            Path file = dir.resolve(safe(record.key()) + "-" + track + "-" + safe(label) + ".jpg");
            try {
                Files.write(file, record.value());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the snapshot " + file, e);
            }
            written++;
        }
    }

    private static Optional<String> header(ConsumerRecord<String, byte[]> record, String name) {
        return Optional.ofNullable(RecordHeaders.text(record.headers(), name));
    }

    /** Camera ids and labels are URLs and words of any kind; a file name keeps letters, digits, '.', '-' and '_'. */
    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    /** @return how many snapshot files the run wrote */
    int written() {
        return written;
    }

    @Override
    public void close() {
        closing.set(true);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
