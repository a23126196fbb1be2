package io.sensorium.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @Test
    void defaultsRunOutOfTheBoxOnTheEmbeddedBroker() {
        SensoriumConfig config = ConfigLoader.defaults();
        assertThat(config.kafka().embedded()).isTrue();
        assertThat(config.audio().chunkSamples()).isEqualTo(16_000);
        assertThat(config.topics().deadLetters()).isEqualTo("sensorium.dead-letters");
        assertThat(config.speech().model().toString()).startsWith(System.getProperty("user.home"));
    }

    @Test
    void fileThenEnvironmentThenFlagsEachOverrideTheLayerBelow(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sensorium.yaml");
        Files.writeString(file, "kafka:\n  bootstrap-servers: file:9092\n  partitions: 8\naudio:\n  chunk-seconds: 0.5\n");
        SensoriumConfig config = ConfigLoader.load(file,
                Map.of("SENSORIUM_KAFKA_PARTITIONS", "12", "SENSORIUM_AUDIO_CHUNK_SECONDS", "2"),
                Map.of("audio.chunk-seconds", "3"));
        assertThat(config.kafka().bootstrapServers()).isEqualTo("file:9092");
        assertThat(config.kafka().partitions()).isEqualTo(12);
        assertThat(config.audio().chunkSeconds()).isEqualTo(3.0);
        assertThat(config.kafka().embedded()).isFalse();
    }

    @Test
    void unknownKeysAndBadValuesAreNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "kafka:\n  bootstrap-server: typo:9092\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bootstrap-server");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("audio.sample-rate", "fast")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fast");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("audio.nope", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("audio.nope");
    }
}
