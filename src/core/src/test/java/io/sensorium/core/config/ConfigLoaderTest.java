package io.sensorium.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    @Test
    void defaultsRunOutOfTheBoxOnTheEmbeddedBroker() {
        SensoriumConfig config = ConfigLoader.defaults();
        assertThat(config.kafka().embedded()).isTrue();
        assertThat(config.audio().chunkSamples()).isEqualTo(8_000);
        assertThat(config.topics().deadLetters()).isEqualTo("sensorium.dead-letters");
        assertThat(config.speech().model().toString()).startsWith(System.getProperty("user.home"));
    }

    @Test
    void fileThenEnvironmentThenFlagsEachOverrideTheLayerBelow(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sensorium.yaml");
        Files.writeString(file, "kafka:\n  bootstrap-servers: file:9092\n  partitions: 8\naudio:\n  chunk-seconds: 2.0\n");
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

    @Test
    void aValueOfTheWrongTypeNamesItsKeyTheTypeAndWhereItWasSet(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("SENSORIUM_AUDIO_CHUNK_SECONDS", "abc"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("audio.chunk-seconds must be a number, not 'abc' (environment variable SENSORIUM_AUDIO_CHUNK_SECONDS)");
        Path file = dir.resolve("sensorium.yaml");
        Files.writeString(file, "kafka:\n  partitions: many\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .hasMessage("kafka.partitions must be a whole number, not 'many' (file " + file + ")");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("vision.annotate", "maybe")))
                .hasMessageStartingWith("vision.annotate must be true or false, not 'maybe' (option --set vision.annotate=maybe)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "NaN", "Infinity", "31.3"})
    void chunksMustBeOfSomeLengthAndFitARecord(String seconds) {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("audio.chunk-seconds", seconds)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("audio.chunk-seconds must be more than 0 and at most 31.250")
                .hasMessageEndingWith("(option --set audio.chunk-seconds=" + seconds + ")");
        assertThat(ConfigLoader.load(null, Map.of(), Map.of("audio.chunk-seconds", "31.25")).audio().chunkSamples())
                .isEqualTo(500_000);
    }

    @Test
    void theInputTopicsKeepAWeekByDefaultForeverOnAskingAndTheRestTheBrokersDefault() {
        SensoriumConfig.Topics topics = ConfigLoader.defaults().topics();
        assertThat(topics.retentionMs()).containsOnly(
                Map.entry("sensorium.audio", 604_800_000L), Map.entry("sensorium.frames", 604_800_000L));
        assertThat(ConfigLoader.load(null, Map.of(), Map.of("topics.input-retention-hours", "-1")).topics().retentionMs())
                .containsEntry("sensorium.audio", SensoriumConfig.Topics.FOREVER)
                .containsEntry("sensorium.frames", SensoriumConfig.Topics.FOREVER);
        assertThat(ConfigLoader.load(null, Map.of("SENSORIUM_TOPICS_INPUT_RETENTION_HOURS", "0.5"), Map.of())
                .topics().retentionMs()).containsEntry("sensorium.audio", 1_800_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-2", "-0.5", "1e-9", "NaN", "Infinity"})
    void aRetentionOfNoTimeOrBelowForeverIsRefused(String hours) {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("topics.input-retention-hours", hours)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("topics.input-retention-hours must be more than 0 (a millisecond at least), or -1"
                        + " to keep records for ever, not ")
                .hasMessageEndingWith("(option --set topics.input-retention-hours=" + hours + ")");
    }

    @Test
    void aMisspeltVariableIsWarnedOfWithTheOneMeant() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            ConfigLoader.load(null, Map.of("SENSORIUM_AUDIO_CHUNK_SECOND", "2", "SENSORIUM_JAVA_OPTS", "-Xmx1g",
                    "SENSORIUM_WHATEVER_ELSE_ENTIRELY", "1", "PATH", "/bin"), Map.of());
        } finally {
            System.setErr(stderr);
        }
        String warnings = printed.toString(StandardCharsets.UTF_8);
        assertThat(warnings).contains("environment variable SENSORIUM_AUDIO_CHUNK_SECOND sets no configuration key and is"
                + " ignored; did you mean SENSORIUM_AUDIO_CHUNK_SECONDS (audio.chunk-seconds)?");
        assertThat(warnings).contains("SENSORIUM_WHATEVER_ELSE_ENTIRELY sets no configuration key and is ignored\n");
        assertThat(warnings).doesNotContain("SENSORIUM_JAVA_OPTS").doesNotContain("PATH");
    }
}
