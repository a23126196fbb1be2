package io.sensorium.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.SensoriumConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The topics Sensorium creates on a real broker: the input topics with the configured retention, the others with
 * the broker's, a topic that exists already left as it is, and new topics taking records as soon as they are made.
 */
class TopicAdminTest {
    @Test
    void inputTopicsGetTheConfiguredRetentionAndExistingTopicsKeepTheirs() throws Exception {
        String prefix = "retention-" + UUID.randomUUID() + ".";
        SensoriumConfig.Topics topics = ConfigLoader.load(null, Map.of(), Map.of(
                "topics.audio", prefix + "audio", "topics.frames", prefix + "frames",
                "topics.features", prefix + "features", "topics.input-retention-hours", "36")).topics();
        List<String> names = List.of(topics.audio(), topics.frames(), topics.features());

        TopicAdmin.ensureTopics(TestKafka.connection(), names, 1, (short) -1, topics.retentionMs());
        // Run again with another retention, as a stage started later with another configuration would.
        TopicAdmin.ensureTopics(TestKafka.connection(), names, 1, (short) -1, Map.of(topics.audio(), 1L));

        try (Admin admin = TestKafka.connection().admin()) {
            assertThat(retention(admin, topics.audio())).isEqualTo(topicSetting("129600000"));
            assertThat(retention(admin, topics.frames())).isEqualTo(topicSetting("129600000"));
            assertThat(retention(admin, topics.features()).source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
    }

    /**
     * A producer sending to topics the moment ensureTopics returns has every record taken, in order: an idempotent
     * producer with several batches in flight whose first batch reached a partition before its leader took it
     * would retry that batch out of sequence until its delivery timeout (here 10 s) and lose it (KAFKA-15591).
     */
    @Test
    void newTopicsTakeEveryRecordSentAtOnce() throws Exception {
        String prefix = "at-once-" + UUID.randomUUID() + ".";
        int partitions = 3;
        int perPartition = 20;
        Map<String, Object> settings = Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5, ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(TestKafka.connection().clientConfig(settings),
                     new StringSerializer(), new StringSerializer());
             Admin admin = TestKafka.connection().admin()) {
            for (int round = 0; round < 10; round++) {
                String topic = prefix + round;
                TopicAdmin.ensureTopics(TestKafka.connection(), List.of(topic), partitions, (short) -1, Map.of());
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int i = 0; i < perPartition; i++) {
                    for (int partition = 0; partition < partitions; partition++) {
                        sent.add(producer.send(new ProducerRecord<>(topic, partition, "key", Integer.toString(i))));
                    }
                }
                producer.flush();
                for (int i = 0; i < sent.size(); i++) {
                    // Records of a partition land in the order sent: the i-th of partition p at offset i / partitions.
                    assertThat(sent.get(i).get().offset()).isEqualTo(i / partitions);
                }
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int partition = 0; partition < partitions; partition++) {
                    latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
                }
                assertThat(admin.listOffsets(latest).all().get().values())
                        .allSatisfy(end -> assertThat(end.offset()).isEqualTo(perPartition));
            }
        }
    }

    private static Setting topicSetting(String value) {
        return new Setting(value, ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }

    private static Setting retention(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry entry = admin.describeConfigs(List.of(resource)).all().get().get(resource).get(TopicConfig.RETENTION_MS_CONFIG);
        return new Setting(entry.value(), entry.source());
    }

    /** A topic's retention.ms and where it comes from: set on the topic, or the broker's default. */
    private record Setting(String value, ConfigEntry.ConfigSource source) {}
}
