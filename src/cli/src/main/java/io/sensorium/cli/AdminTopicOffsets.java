package io.sensorium.cli;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** A topic's offsets as the cluster gives them (Admin.listOffsets), for {@link RangeResolver}. */
final class AdminTopicOffsets implements RangeResolver.TopicOffsets {
    private final Admin admin;
    private final String topic;
    private final List<Integer> partitions;
    private final Map<Integer, Long> earliest;
    private final Map<Integer, Long> latest;
    private final Map<Instant, Map<Integer, Long>> atTimes = new HashMap<>();

    AdminTopicOffsets(Admin admin, String topic, List<Integer> partitions) {
        this.admin = admin;
        this.topic = topic;
        this.partitions = List.copyOf(partitions);
        this.earliest = list(p -> OffsetSpec.earliest());
        this.latest = list(p -> OffsetSpec.latest());
    }

    @Override
    public List<Integer> partitions() {
        return partitions;
    }

    @Override
    public long earliest(int partition) {
        return earliest.get(partition);
    }

    @Override
    public long latest(int partition) {
        return latest.get(partition);
    }

    Map<Integer, Long> latestByPartition() {
        return latest;
    }

    @Override
    public long atTime(int partition, Instant time) {
        return atTimes.computeIfAbsent(time, t -> list(p -> OffsetSpec.forTimestamp(t.toEpochMilli()))).get(partition);
    }

    /** @return by partition, -1 where the spec finds no record */
    private Map<Integer, Long> list(Function<Integer, OffsetSpec> spec) {
        Map<TopicPartition, OffsetSpec> request = partitions.stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), spec));
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin.listOffsets(request).all().get();
            return offsets.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list the offsets of " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing the offsets of " + topic, e);
        }
    }
}
