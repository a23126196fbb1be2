package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.KafkaClientSettings;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sensorium on a secured cluster, as a user runs it: each command in a JVM of its own against a SASL_SSL listener
 * (PLAIN logins over TLS), the client settings from a configuration file, {@code SENSORIUM_KAFKA_CLIENT_*} variables or
 * {@code --set}. With the right credentials the stages run and {@code status} reads their groups; a wrong password, a
 * certificate the client does not trust and a client that speaks plaintext to the secured listener each end within
 * seconds with one line saying what to check. Every run logs Kafka's clients at INFO, where each prints its whole
 * configuration, and no password shows anywhere in what a run printed. Without a cluster, a run on the in-process
 * broker leaves the settings out and says so.
 */
class SecuredClusterTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "mallory-" + UUID.randomUUID();
    private static final List<String> KAFKA_LOGS_AT_INFO = List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    /**
     * A refused login or handshake ends a run this soon after it asked the cluster, instead of retrying for ever (the
     * JVM's start before that takes seconds more on a busy machine).
     */
    private static final double REFUSED_WITHIN_SECONDS = 10;
    /** What a Kafka admin client logs as it is made: the first client a command makes is the one that asks. */
    private static final String ADMIN_CLIENT_MADE = "AdminClientConfig values:";
    private static final String JFK = TestPipeline.fixture("audio/jfk.wav").toString();

    @TempDir
    static Path dir;
    private static SecuredKafka kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = SecuredKafka.start(dir, Map.of(USER, PASSWORD));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void theStagesRunWithTheRightCredentialsFromAFileAndFromTheEnvironment(@TempDir Path tmp) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings(kafka.bootstrapServers());
        // As in TranscribeEndToEndTest: without the VAD gate the random-weight model's text is all kept.
        settings.put("speech.vad", "false");
        Path file = tmp.resolve("sensorium.yaml");
        Files.writeString(file, new ObjectMapper(new YAMLFactory()).writeValueAsString(
                Map.of("kafka", Map.of("client", kafka.clientSettings(USER, PASSWORD)))));

        CliProcess run = CliProcess.start(tmp, TestPipeline.arguments(List.of("transcribe", "--config", file.toString()),
                settings, List.of(JFK)), Map.of(), KAFKA_LOGS_AT_INFO);
        assertThat(run.waitFor(300)).as(run.stderr()).isZero();
        assertThat(run.stderr()).as("Kafka's clients print their configuration").contains("sasl.jaas.config = [hidden]");
        List<String> lines = run.stdout().stream().map(CliProcess.Line::text).toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(
                TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8))).isInstanceOf(TranscriptSegment.class));
        assertNoPasswordIn(run);

        CliProcess status = CliProcess.start(tmp, TestPipeline.arguments(List.of("status"), settings, List.of()),
                variables(kafka.clientSettings(USER, PASSWORD)), KAFKA_LOGS_AT_INFO);
        assertThat(status.waitFor(120)).as(status.stderr()).isZero();
        assertThat(String.join("\n", status.stdout().stream().map(CliProcess.Line::text).toList()))
                .containsPattern("speech +" + settings.get("kafka.application-id-prefix") + "-speech +\\S+ +\\d+  "
                        + settings.get("topics.features") + ": 0 records");
        assertNoPasswordIn(status);
    }

    @Test
    void aWrongPasswordIsRefusedWithinSecondsSayingWhatToCheck(@TempDir Path tmp) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings(kafka.bootstrapServers());
        kafka.clientSettings(USER, WRONG_PASSWORD)
                .forEach((name, value) -> settings.put(KafkaClientSettings.PREFIX + name, value));
        CliProcess run = refused(tmp, TestPipeline.arguments(List.of("transcribe"), settings, List.of(JFK)), Map.of());

        assertThat(run.stderr()).contains("sensorium: Kafka at " + kafka.bootstrapServers() + " refused the login (")
                .contains("check kafka.client.sasl.mechanism and the username and password in"
                        + " kafka.client.sasl.jaas.config");
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void aCertificateTheClientDoesNotTrustFailsTheHandshakeWithinSeconds(@TempDir Path tmp) throws Exception {
        Map<String, String> client = kafka.clientSettings(USER, PASSWORD);
        client.remove("ssl.truststore.type");
        client.remove("ssl.truststore.location");
        CliProcess run = refused(tmp, TestPipeline.arguments(List.of("ingest", "audio"),
                TestPipeline.isolatedSettings(kafka.bootstrapServers()), List.of(JFK)), variables(client));

        assertThat(run.stderr()).contains("sensorium: the TLS handshake with Kafka at " + kafka.bootstrapServers()
                + " failed (").contains("kafka.client.ssl.truststore.* trusts the broker's certificate");
    }

    @Test
    void aPlaintextClientOnTheSecuredListenerIsToldToSetTheSecurityProtocol(@TempDir Path tmp) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings(kafka.bootstrapServers());
        // How long a client waits for an answer, 30 s by default, is how long the command waits for the cluster's.
        settings.put("kafka.client.request.timeout.ms", "3000");
        CliProcess run = CliProcess.start(tmp, TestPipeline.arguments(List.of("status"), settings, List.of()), Map.of(),
                KAFKA_LOGS_AT_INFO);

        assertThat(run.waitFor(60)).isEqualTo(UserFacingError.FAILED);
        System.out.printf("a plaintext client gave up after %.1f s: %s%n", secondsToMessage(run), message(run));
        assertThat(run.stderr()).contains("sensorium: Kafka at " + kafka.bootstrapServers() + " accepts connections"
                + " but did not answer within 3 s (kafka.client.request.timeout.ms) with kafka.client.security.protocol"
                + " PLAINTEXT: if that listener wants TLS or SASL, set kafka.client.security.protocol and what it needs");
    }

    @Test
    void clientSettingsWithoutAClusterAreLeftOutOfTheInProcessBrokersRunSayingSo() {
        Map<String, String> settings = new HashMap<>(Map.of("speech.model",
                TestPipeline.fixture("whisper-tiny-random").toString(), "speech.threads", "1"));
        kafka.clientSettings(USER, PASSWORD).forEach((name, value) -> settings.put(KafkaClientSettings.PREFIX + name, value));

        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings, List.of(JFK));

        assertThat(run.exit()).as(run.stderr()).isZero();
        String warning = run.stderr().lines().filter(line -> line.contains("kafka.client settings (")).findFirst()
                .orElseThrow(() -> new AssertionError("no warning: " + run.stderr()));
        assertThat(warning).contains("sasl.jaas.config", "security.protocol")
                .endsWith(") are for the cluster kafka.bootstrap-servers names; the in-process broker takes none of them");
        assertThat(run.stderr()).doesNotContain(PASSWORD);
    }

    /** Runs a command the cluster must refuse: exit 2 within seconds of asking, and no password in its output. */
    private static CliProcess refused(Path tmp, List<String> args, Map<String, String> env) throws Exception {
        CliProcess run = CliProcess.start(tmp, args, env, KAFKA_LOGS_AT_INFO);
        assertThat(run.waitFor(60)).as(run.stderr()).isEqualTo(UserFacingError.USAGE);
        double seconds = secondsToMessage(run);
        System.out.printf("%s refused %.1f s after asking: %s%n", args.get(0), seconds, message(run));
        assertThat(seconds).isLessThan(REFUSED_WITHIN_SECONDS);
        assertNoPasswordIn(run);
        return run;
    }

    /** The command's own line on stderr, where it says why it stopped. */
    private static CliProcess.Line messageLine(CliProcess run) {
        return line(run, text -> text.startsWith("sensorium: "));
    }

    private static String message(CliProcess run) {
        return messageLine(run).text();
    }

    /** From the first Kafka client the command made to its message. */
    private static double secondsToMessage(CliProcess run) {
        return (messageLine(run).nanos() - line(run, text -> text.contains(ADMIN_CLIENT_MADE)).nanos()) / 1e9;
    }

    private static CliProcess.Line line(CliProcess run, Predicate<String> wanted) {
        return run.stderrLines().stream().filter(line -> wanted.test(line.text())).findFirst()
                .orElseThrow(() -> new AssertionError("no such line: " + run.stderr()));
    }

    private static void assertNoPasswordIn(CliProcess run) {
        assertThat(run.stderr()).doesNotContain(PASSWORD, WRONG_PASSWORD);
        assertThat(run.stdout()).allSatisfy(line -> assertThat(line.text()).doesNotContain(PASSWORD, WRONG_PASSWORD));
    }

    /** The client settings as the environment gives them: {@code SENSORIUM_KAFKA_CLIENT_SASL_JAAS_CONFIG}, ... */
    private static Map<String, String> variables(Map<String, String> client) {
        Map<String, String> env = new HashMap<>();
        client.forEach((name, value) -> env.put(ConfigLoader.envName(KafkaClientSettings.PREFIX + name), value));
        return env;
    }
}
