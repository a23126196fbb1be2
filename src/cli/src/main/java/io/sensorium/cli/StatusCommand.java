package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.processors.features.FeatureTopology;
import io.sensorium.processors.speech.SpeechTopology;
import io.sensorium.processors.vision.VisionPreprocessTopology;
import io.sensorium.processors.vision.VisionTopology;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sensorium status}: each stage's consumer group at a glance — its state, its members, how many records of
 * its input topic it has yet to process — and how many records the dead-letter topic holds.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Each stage's group, members and lag per input topic, and the dead-letter count, on a cluster.")
final class StatusCommand implements Callable<Integer> {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A stage and the topic it reads, which its lag is counted on (and KEDA scales it on: deploy/k8s). */
    record Stage(String name, Function<SensoriumConfig.Topics, String> input) {}

    static final List<Stage> STAGES = List.of(
            new Stage(FeatureTopology.STAGE, SensoriumConfig.Topics::audio),
            new Stage(SpeechTopology.STAGE, SensoriumConfig.Topics::features),
            new Stage(VisionPreprocessTopology.STAGE, SensoriumConfig.Topics::frames),
            new Stage(VisionTopology.STAGE, SensoriumConfig.Topics::pixels));

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        SensoriumConfig config = options.load();
        try (KafkaCluster cluster = KafkaCluster.connect(config, false);
             Admin admin = cluster.connection().admin()) {
            PrintStream out = System.out;
            out.printf(Locale.ROOT, "%-18s %-32s %-12s %7s  %s%n", "stage", "group", "state", "members", "lag");
            for (Stage stage : STAGES) {
                String group = StreamsStage.applicationId(config.kafka(), stage.name());
                String input = stage.input().apply(config.topics());
                out.printf(Locale.ROOT, "%-18s %-32s %s%n", stage.name(), group, describe(admin, group, input));
            }
            String deadLetters = config.topics().deadLetters();
            out.printf(Locale.ROOT, "dead letters: %s%n", deadLetterCount(cluster, deadLetters));
        }
        return 0;
    }

    /** State, members and lag of one group; a group that never ran says so. */
    private static String describe(Admin admin, String group, String input) throws Exception {
        ConsumerGroupDescription description;
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            description = get(admin.describeConsumerGroups(List.of(group)).all()).get(group);
            committed = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        } catch (GroupIdNotFoundException e) {
            return String.format(Locale.ROOT, "%-12s %7s  %s", "never ran", "-", "-");
        }
        String lag = "-";
        Map<String, TopicDescription> topics = get(admin.describeTopics(List.of(input)).allTopicNames());
        List<TopicPartition> partitions = topics.get(input).partitions().stream()
                .map(p -> new TopicPartition(input, p.partition())).toList();
        if (!committed.isEmpty()) {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> earliest = offsets(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = offsets(admin, partitions, OffsetSpec.latest());
            long behind = 0;
            for (TopicPartition partition : partitions) {
                // Where the group has committed nothing it starts from the earliest record (auto.offset.reset).
                OffsetAndMetadata at = committed.get(partition);
                long from = at != null ? at.offset() : earliest.get(partition).offset();
                behind += Math.max(0, latest.get(partition).offset() - from);
            }
            lag = String.format(Locale.ROOT, "%s: %d records (%d partitions)", input, behind, partitions.size());
        }
        return String.format(Locale.ROOT, "%-12s %7d  %s", description.groupState(), description.members().size(), lag);
    }

    private static Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(
            Admin admin, List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        return get(admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec))).all());
    }

    /**
     * Read to the end rather than offsets subtracted: under exactly-once each transaction's marker takes an offset
     * too, which would count as records.
     */
    private static String deadLetterCount(KafkaCluster cluster, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.reader(cluster.connection())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, TIMEOUT).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            if (partitions.isEmpty()) {
                return topic + " does not exist";
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            long count = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < ends.get(p))) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                count += records.count();
            }
            return String.format(Locale.ROOT, "%s: %d records", topic, count);
        }
    }

    private static <T> T get(KafkaFuture<T> future) throws Exception {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new UserFacingError("the cluster did not answer within " + TIMEOUT.toSeconds() + " s",
                    UserFacingError.FAILED);
        }
    }
}
