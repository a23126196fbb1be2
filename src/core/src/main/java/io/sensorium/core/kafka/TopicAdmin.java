package io.sensorium.core.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the topics a stage reads and writes, when the cluster does not have them yet. */
public final class TopicAdmin {
    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

    private TopicAdmin() {}

    /**
     * Creates those of {@code topics} that are missing; topics that exist are left as they are, their settings too.
     *
     * @param replicationFactor -1 for the broker's default
     * @param retentionMs       retention.ms of the topics that get one (-1: for ever); the others take the broker's
     */
    public static void ensureTopics(KafkaConnection connection, Collection<String> topics, int partitions,
                                    short replicationFactor, Map<String, Long> retentionMs) {
        try (Admin admin = connection.admin()) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream()
                    .distinct()
                    .filter(topic -> !existing.contains(topic))
                    .map(topic -> new NewTopic(topic, Optional.of(partitions),
                            replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor))
                            .configs(retentionMs.containsKey(topic)
                                    ? Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs.get(topic)))
                                    : Map.of()))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                // Another stage starting at the same moment may have created it first: that is the state we want.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + topics, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + topics + " on " + connection.bootstrapServers() + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Waits until the leader of every partition of new topics takes records. A producer that sends before then has
     * its first batch refused (NOT_LEADER_OR_FOLLOWER) while later ones land, and an idempotent producer then retries
     * that batch out of sequence until its delivery timeout: records lost and out of order (KAFKA-15591, fixed in
     * Kafka 4.5).
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (true) {
            Map<String, TopicDescription> described;
            try {
                described = admin.describeTopics(topics).allTopicNames().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                described = Map.of(); // the metadata has not reached the broker that answered yet
            }
            boolean led = described.size() == topics.size() && described.values().stream()
                    .flatMap(description -> description.partitions().stream())
                    .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
            if (led) {
                // describeTopics answers from the broker's metadata cache, which names a leader a moment before the
                // leader's replica manager takes the partition (a produce in between is refused as above). The
                // replica manager answers ListOffsets itself, and the admin client retries it until it can.
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                described.values().forEach(description -> description.partitions().forEach(partition ->
                        latest.put(new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest())));
                admin.listOffsets(latest).all().get();
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + topics + " have partitions without a leader after " + LEADER_WAIT);
            }
            Thread.sleep(50);
        }
    }
}
