package io.sensorium.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.SensoriumConfig;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * The topics Sensorium creates on a real broker: the input topics with the configured retention, the others with
 * the broker's, and a topic that exists already left as it is.
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
