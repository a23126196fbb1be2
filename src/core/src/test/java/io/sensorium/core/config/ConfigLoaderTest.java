package io.sensorium.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    void speechModelRunsShareTheCoresAmongTheRunsAtOnceUnlessThreadsAreSet() {
        int cores = Runtime.getRuntime().availableProcessors();
        SensoriumConfig.Speech speech = ConfigLoader.defaults().speech();
        assertThat(speech.threads()).isZero();
        assertThat(speech.threadsPerRun(1)).isEqualTo(cores);
        assertThat(speech.threadsPerRun(8)).as("whole windows: one run at a time").isEqualTo(cores);
        SensoriumConfig.Speech live = speech.withLive(true);
        assertThat(live.threadsPerRun(8)).as("two live runs at once").isEqualTo(Math.max(1, cores / 2));
        assertThat(live.threadsPerRun(1)).as("one stream thread has one run at a time").isEqualTo(cores);
        SensoriumConfig.Speech four = ConfigLoader.load(null, Map.of(), Map.of("speech.parallel-runs", "4")).speech();
        assertThat(four.threadsPerRun(3)).isEqualTo(Math.max(1, cores / 3));
        SensoriumConfig.Speech chosen = ConfigLoader.load(null, Map.of(), Map.of("speech.threads", "3")).speech();
        assertThat(chosen.withLive(true).threadsPerRun(8)).isEqualTo(3);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("speech.threads", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("speech.threads");
    }

    @Test
    void speechModelRunsAtOnceAreTwoForLiveStreamsOneForWholeWindowsUnlessSet() {
        SensoriumConfig.Speech speech = ConfigLoader.defaults().speech();
        assertThat(speech.parallelRuns()).isZero();
        assertThat(speech.modelRunsAtOnce()).isEqualTo(1);
        assertThat(speech.withLive(true).modelRunsAtOnce()).isEqualTo(2);
        SensoriumConfig.Speech three = ConfigLoader.load(null, Map.of(), Map.of("speech.parallel-runs", "3")).speech();
        assertThat(three.modelRunsAtOnce()).isEqualTo(3);
        assertThat(three.withLive(true).modelRunsAtOnce()).isEqualTo(3);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("speech.parallel-runs", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("speech.parallel-runs");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("vision.parallel-runs", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("vision.parallel-runs");
    }

    @Test
    void aSpeechRunTakesAsManyStreamThreadsAsWindowsTheModelTakesInAtOnce() {
        SensoriumConfig defaults = ConfigLoader.defaults();
        assertThat(defaults.withSpeechThreadsPerSource(7).kafka().streamThreads()).isEqualTo(1);
        SensoriumConfig live = defaults.withLiveSpeech(true);
        assertThat(live.withSpeechThreadsPerSource(1).kafka().streamThreads()).isEqualTo(1);
        assertThat(live.withSpeechThreadsPerSource(7).kafka().streamThreads()).as("two live runs at once").isEqualTo(2);
        SensoriumConfig liveBatched = ConfigLoader.load(null, Map.of(), Map.of("speech.batch-size", "8"))
                .withLiveSpeech(true);
        assertThat(liveBatched.withSpeechThreadsPerSource(7).kafka().streamThreads()).isEqualTo(7);
        assertThat(liveBatched.withSpeechThreadsPerSource(12).kafka().streamThreads()).isEqualTo(8);
        SensoriumConfig batched = ConfigLoader.load(null, Map.of(),
                Map.of("speech.batch-size", "4", "speech.parallel-runs", "2"));
        assertThat(batched.withSpeechThreadsPerSource(7).kafka().streamThreads()).isEqualTo(7);
        assertThat(batched.withSpeechThreadsPerSource(12).kafka().streamThreads()).isEqualTo(8);
        assertThat(ConfigLoader.load(null, Map.of(), Map.of("speech.batch-size", "2")).withSpeechThreadsPerSource(7)
                .kafka().streamThreads()).isEqualTo(2);
        SensoriumConfig chosen = ConfigLoader.load(null, Map.of(), Map.of("kafka.stream-threads", "3"));
        assertThat(chosen.withSpeechThreadsPerSource(7).kafka().streamThreads()).isEqualTo(3);
    }

    @Test
    void aRunsPreprocessingStageTakesNoMoreThreadsThanItsModelStageAndAtMostOnePerCoreUnlessChosen() {
        SensoriumConfig defaults = ConfigLoader.defaults();
        int cores = Runtime.getRuntime().availableProcessors();
        SensoriumConfig cameras = defaults.withThreadsPerSource(16);
        assertThat(cameras.kafka().streamThreads()).isEqualTo(8);
        assertThat(defaults.withPreprocessingThreadsBeside(cameras).kafka().streamThreads()).isEqualTo(Math.min(8, cores));
        SensoriumConfig files = defaults.withSpeechThreadsPerSource(7);
        assertThat(defaults.withPreprocessingThreadsBeside(files).kafka().streamThreads()).isEqualTo(1);
        SensoriumConfig chosen = ConfigLoader.load(null, Map.of(), Map.of("kafka.stream-threads", "6"));
        assertThat(chosen.withPreprocessingThreadsBeside(chosen.withThreadsPerSource(16)).kafka().streamThreads())
                .isEqualTo(6);
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
                    "SENSORIUM_WHATEVER_ELSE_ENTIRELY", "1", "PATH", "/bin", "SENSORIUM_KAFKA_CLIENT_SASL_MECHANISM", "PLAIN"),
                    Map.of());
        } finally {
            System.setErr(stderr);
        }
        String warnings = printed.toString(StandardCharsets.UTF_8);
        assertThat(warnings).contains("environment variable SENSORIUM_AUDIO_CHUNK_SECOND sets no configuration key and is"
                + " ignored; did you mean SENSORIUM_AUDIO_CHUNK_SECONDS (audio.chunk-seconds)?");
        assertThat(warnings).contains("SENSORIUM_WHATEVER_ELSE_ENTIRELY sets no configuration key and is ignored\n");
        assertThat(warnings).doesNotContain("SENSORIUM_JAVA_OPTS").doesNotContain("PATH")
                .as("a Kafka client setting's").doesNotContain("SENSORIUM_KAFKA_CLIENT_SASL_MECHANISM");
    }

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"alice\" password=\"alice-secret\";";

    @Test
    void kafkaClientSettingsComeFromTheFileTheEnvironmentAndSetByKafkasOwnNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sensorium.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrap-servers: broker:9093
                  client:
                    security.protocol: SASL_PLAINTEXT
                    sasl:
                      mechanism: SCRAM-SHA-512
                    request.timeout.ms: 20000
                    ssl.truststore.location: /etc/kafka/truststore.p12
                """);
        SensoriumConfig config = ConfigLoader.load(file, Map.of(
                        "SENSORIUM_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL",
                        "SENSORIUM_KAFKA_CLIENT_SASL_JAAS_CONFIG", JAAS,
                        "SENSORIUM_KAFKA_CLIENT_MY__PLUGIN___OPTION", "x"),
                Map.of("kafka.client.sasl.mechanism", "PLAIN", "kafka.client.ssl.truststore.type", "PEM"));
        assertThat(config.kafka().client().asMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", JAAS,
                "request.timeout.ms", "20000",
                "ssl.truststore.location", "/etc/kafka/truststore.p12",
                "ssl.truststore.type", "PEM",
                "my_plugin-option", "x"));
        assertThat(ConfigLoader.defaults().kafka().client().isEmpty()).isTrue();
    }

    @Test
    void aKafkaSettingThatSensoriumSetsFromAKeyOfItsOwnIsRefusedNamingThatKey(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("kafka.client.bootstrap.servers", "b:9092")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("kafka.client.bootstrap.servers is set by kafka.bootstrap-servers (--bootstrap-servers); set it"
                        + " there (option --set kafka.client.bootstrap.servers=b:9092)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("SENSORIUM_KAFKA_CLIENT_NUM_STREAM_THREADS", "4"), Map.of()))
                .hasMessageContaining("kafka.client.num.stream.threads is set by kafka.stream-threads")
                .hasMessageEndingWith("(environment variable SENSORIUM_KAFKA_CLIENT_NUM_STREAM_THREADS)");
        Path file = dir.resolve("sensorium.yaml");
        Files.writeString(file, "kafka:\n  client: SASL_SSL\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .hasMessage("kafka.client must be a mapping of Kafka settings to values, in file " + file);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("kafka.clients.sasl.mechanism", "PLAIN")))
                .hasMessageContaining("unknown configuration key 'kafka.clients.sasl.mechanism'");
    }

    @Test
    void secretSettingsAreHiddenWhereTheConfigurationIsShown() {
        SensoriumConfig config = ConfigLoader.load(null, Map.of("SENSORIUM_KAFKA_CLIENT_SASL_JAAS_CONFIG", JAAS),
                Map.of("kafka.client.ssl.keystore.password", "keystore-secret", "kafka.client.sasl.mechanism", "PLAIN"));
        assertThat(config.toString())
                .contains("sasl.mechanism=PLAIN", "sasl.jaas.config=[hidden]", "ssl.keystore.password=[hidden]")
                .doesNotContain("alice-secret", "keystore-secret");
    }

    @Test
    void zonesAreReadWholeFromAFileAndABadPolygonIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("zones.yaml");
        Files.writeString(file, "vision:\n  zones:\n    cam1:\n      door: [[0.1, 0.5], [0.4, 0.5], [0.4, 1.0]]\n"
                + "      yard: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]]\n    garage/2:\n      drive: [[0, 0], [1, 0], [1, 1]]\n");
        SensoriumConfig.Vision vision = ConfigLoader.load(file, Map.of(), Map.of()).vision();
        assertThat(vision.zones()).containsOnlyKeys("cam1", "garage/2");
        assertThat(vision.zones().get("cam1")).containsOnlyKeys("door", "yard");
        assertThat(vision.zones().get("cam1").get("door")).containsExactly(List.of(0.1, 0.5), List.of(0.4, 0.5),
                List.of(0.4, 1.0));
        assertThat(ConfigLoader.defaults().vision().zones()).isEmpty();

        Files.writeString(file, "vision:\n  zones:\n    cam1:\n      door: [[0.1, 0.5], [1.4, 0.5], [0.4, 1.0]]\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("vision.zones.cam1.door: corner [1.4, 0.5]");
        Files.writeString(file, "vision:\n  zones:\n    cam1:\n      door: [[0.1, 0.5], [0.4, 1.0]]\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .hasMessageContaining("vision.zones.cam1.door must be a polygon of 3 corners or more");
    }
}
