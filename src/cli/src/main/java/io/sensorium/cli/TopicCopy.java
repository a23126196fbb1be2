package io.sensorium.cli;

import io.sensorium.core.kafka.KafkaConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The first step of a reprocessing run: copies the streams the range selects ({@link StreamSelection}) from the
 * input topic to the run's own topic, same partition and key, and closes those the range cut off with an end marker.
 * Exactly once: each batch, with the input offsets it consumed, is one transaction of a producer whose
 * transactional id is the run's, so a run stopped anywhere goes on from its last committed batch, and a copy left
 * running by a killed process is fenced off. Where to go on is the run's own topic: the streams it holds open are
 * the streams still open.
 */
final class TopicCopy {
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConnection connection;
    private final ReprocessRun run;
    private final ReprocessKind kind;
    private final String target;
    private final RunProgress progress;

    TopicCopy(KafkaConnection connection, ReprocessRun run, ReprocessKind kind, String target, RunProgress progress) {
        this.connection = connection;
        this.run = run;
        this.kind = kind;
        this.target = target;
        this.progress = progress;
    }

    /** Copies until every partition is finished or {@code stopped} says so (between two transactions). */
    void run(BooleanSupplier stopped) throws Exception {
        try (KafkaProducer<String, byte[]> producer = KafkaClients.transactionalProducer(connection, run.copyGroup());
             KafkaConsumer<String, byte[]> consumer = KafkaClients.reader(connection)) {
            // First: it aborts what a killed copy left open, so that reading the target below sees what was committed.
            producer.initTransactions();
            Map<Integer, Long> committed = committedOffsets();
            Map<TopicPartition, Partition> partitions = new HashMap<>();
            for (PartitionRange range : run.partitions()) {
                Partition partition = new Partition(new StreamSelection(range, run.streams()),
                        committed.getOrDefault(range.partition(), range.start()));
                partitions.put(new TopicPartition(run.input(), range.partition()), partition);
            }
            restore(partitions);
            List<TopicPartition> reading = new ArrayList<>(partitions.keySet());
            consumer.assign(reading);
            partitions.forEach((tp, partition) -> consumer.seek(tp, partition.next));
            while (!partitions.values().stream().allMatch(p -> p.finished) && !stopped.getAsBoolean()) {
                var records = consumer.poll(POLL);
                List<ProducerRecord<String, byte[]>> sends = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (var entry : partitions.entrySet()) {
                    TopicPartition tp = entry.getKey();
                    Partition partition = entry.getValue();
                    if (partition.finished) {
                        continue;
                    }
                    long before = partition.next;
                    for (ConsumerRecord<String, byte[]> record : records.records(tp)) {
                        if (partition.selection.finished(partition.next)) {
                            break;
                        }
                        select(partition, record).ifPresent(sends::add);
                    }
                    if (!partition.selection.finished(partition.next)) {
                        // Every record fetched was taken: what lies between them and the position (transaction
                        // markers of the input's writer) holds nothing to copy.
                        partition.next = Math.max(partition.next,
                                Math.min(consumer.position(tp), partition.selection.range().limit()));
                    }
                    if (partition.selection.finished(partition.next)) {
                        sends.addAll(finish(partition));
                        consumer.pause(List.of(tp));
                    }
                    if (partition.next != before || partition.finished) {
                        offsets.put(tp, new OffsetAndMetadata(partition.next));
                    }
                }
                if (!offsets.isEmpty()) {
                    producer.beginTransaction();
                    sends.forEach(producer::send);
                    producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata(run.copyGroup()));
                    producer.commitTransaction();
                    partitions.forEach((tp, partition) -> progress.read(tp.partition(), partition.next, partition.finished));
                }
            }
        }
    }

    /** Offers {@code record} to the stream rule: @return its copy, when the rule takes it */
    private Optional<ProducerRecord<String, byte[]>> select(Partition partition, ConsumerRecord<String, byte[]> record) {
        partition.next = record.offset() + 1;
        boolean start = kind.starts(record.headers());
        boolean end = kind.ends(record.headers());
        if (!partition.selection.offer(record.offset(), record.key(), start, end)) {
            return Optional.empty();
        }
        partition.remember(record, end);
        progress.copied(record.partition(), record.key(), start, kind.amount(record));
        return Optional.of(new ProducerRecord<>(target, record.partition(), record.timestamp(), record.key(),
                record.value(), record.headers()));
    }

    /** End markers for the streams still open where the partition's reading ends. */
    private List<ProducerRecord<String, byte[]>> finish(Partition partition) {
        List<ProducerRecord<String, byte[]>> ends = new ArrayList<>();
        for (String stream : partition.selection.open()) {
            ends.add(kind.endMarker(target, partition.last.get(stream)));
        }
        partition.selection.closeAll();
        partition.last.clear();
        partition.finished = true;
        return ends;
    }

    /** Takes back what an earlier process of this run copied: the streams it left open and their last records. */
    private void restore(Map<TopicPartition, Partition> partitions) {
        TopicSnapshot.forEach(connection, target, Map.of(), record -> {
            Partition partition = partitions.get(new TopicPartition(run.input(), record.partition()));
            boolean end = kind.ends(record.headers());
            partition.selection.restore(record.key(), end);
            partition.remember(record, end);
            progress.copied(record.partition(), record.key(), kind.starts(record.headers()), kind.amount(record));
        });
        partitions.forEach((tp, partition) -> progress.read(tp.partition(), partition.next, false));
    }

    private Map<Integer, Long> committedOffsets() throws Exception {
        try (Admin admin = connection.admin()) {
            Map<Integer, Long> committed = new HashMap<>();
            admin.listConsumerGroupOffsets(run.copyGroup()).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, offset) -> {
                        if (offset != null && tp.topic().equals(run.input())) {
                            committed.put(tp.partition(), offset.offset());
                        }
                    });
            return committed;
        }
    }

    /** Where the copy of one input partition stands. */
    private static final class Partition {
        final StreamSelection selection;
        /** Each open stream's last copied record, which its end marker follows. */
        final Map<String, ConsumerRecord<String, byte[]>> last = new HashMap<>();
        long next;
        boolean finished;

        Partition(StreamSelection selection, long next) {
            this.selection = selection;
            this.next = next;
        }

        void remember(ConsumerRecord<String, byte[]> record, boolean end) {
            if (end) {
                last.remove(record.key());
            } else {
                last.put(record.key(), record);
            }
        }
    }
}
