package io.sensorium.cli;

import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.KafkaConnection;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.kafka.TestKafka;
import io.sensorium.processors.vision.VisionPreprocessTopology;
import io.sensorium.processors.vision.model.VisionModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** What the end-to-end tests share: the real test broker, a configuration with topics of their own, fixtures. */
final class TestPipeline {
    private TestPipeline() {}

    static Path fixture(String name) {
        try {
            return Path.of(TestPipeline.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port free on the loopback address now (another process may take it before it is bound). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Settings that keep one test's topics and consumer groups apart from every other's on the shared broker. */
    static Map<String, String> isolatedSettings() {
        return isolatedSettings(TestKafka.bootstrapServers());
    }

    /** The same on the broker at {@code bootstrapServers}. */
    static Map<String, String> isolatedSettings(String bootstrapServers) {
        String run = "t" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap-servers", bootstrapServers);
        settings.put("kafka.application-id-prefix", run);
        settings.put("kafka.partitions", "3");
        settings.put("topics.audio", run + ".audio");
        settings.put("topics.features", run + ".features");
        settings.put("topics.transcripts", run + ".transcripts");
        settings.put("topics.dead-letters", run + ".dead-letters");
        settings.put("speech.model", fixture("whisper-tiny-random").toString());
        settings.put("speech.threads", "1");
        // The random-weight fixture's text always repeats itself, so the temperature fallback would decode each of
        // its windows at six temperatures, five samples each: greedy keeps the pipeline tests at their pace, and
        // decodes as the references of the fixture and of faster-whisper were made (the fallback and beam search
        // have tests of their own: TemperatureFallbackTest, WhisperSamplingTest, MultilingualParityTest).
        settings.put("speech.temperature", "0");
        settings.put("speech.beam-size", "1");
        return settings;
    }

    /** What a command printed on stdout and stderr (its log lines included), and its exit code. */
    record CliRun(int exit, String stdout, String stderr) {
        /** The command's own messages on stderr ({@code sensorium: ...}), without the log lines. */
        List<String> messages() {
            return stderr.lines().filter(line -> line.startsWith("sensorium: ")).toList();
        }
    }

    /** Runs the {@code sensorium} command in this JVM with {@code settings} as {@code --set} options. */
    static CliRun cli(List<String> command, Map<String, String> settings, List<String> operands) {
        List<String> args = arguments(command, settings, operands);
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream complained = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(complained, true, StandardCharsets.UTF_8));
        try {
            int exit = Sensorium.run(args.toArray(String[]::new));
            return new CliRun(exit, printed.toString(StandardCharsets.UTF_8), complained.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            // Still in the test's output, for whoever reads a failure.
            stderr.print(complained.toString(StandardCharsets.UTF_8));
        }
    }

    /** {@code command}, {@code settings} as {@code --set} options, then {@code operands}. */
    static List<String> arguments(List<String> command, Map<String, String> settings, List<String> operands) {
        List<String> args = new ArrayList<>(command);
        settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        args.addAll(operands);
        return args;
    }

    /** Whisper tiny.en's real weights as {@code models pull tiny.en} gets them (cached after the first run). */
    static String realTinyEn() {
        return pulled("tiny.en");
    }

    /** Whisper base's real (multilingual) weights as {@code models pull base} gets them. */
    static String realBase() {
        return pulled("base");
    }

    private static String pulled(String name) {
        CliRun pull = cli(List.of("models", "pull"), Map.of(), List.of(name));
        if (pull.exit() != 0) {
            throw new IllegalStateException("models pull " + name + " failed: " + pull.stderr());
        }
        return pull.stdout().strip();
    }

    /** Writes 16 kHz mono PCM16 samples as a WAV file. */
    static Path writeWav(Path file, short[] pcm) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asShortBuffer().put(pcm);
        AudioFormat format = new AudioFormat(16_000, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(bytes.array()), format, pcm.length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
        return file;
    }

    /** {@link #isolatedSettings()} plus the vision path's topics and the random-weight {@code model} fixture. */
    static Map<String, String> isolatedVisionSettings(String model) {
        Map<String, String> settings = isolatedSettings();
        String run = settings.get("kafka.application-id-prefix");
        settings.put("topics.frames", run + ".frames");
        settings.put("topics.pixels", run + ".pixels");
        settings.put("topics.detections", run + ".detections");
        settings.put("topics.annotated", run + ".annotated");
        settings.put("topics.events", run + ".events");
        settings.put("topics.snapshots", run + ".snapshots");
        settings.put("vision.model", fixture(model).toString());
        settings.put("vision.threads", "1");
        return settings;
    }

    /** The vision preprocessor stage for {@code model}, as {@code detect} runs it. */
    static StreamsStage visionPreprocess(SensoriumConfig config, VisionModel model, KafkaCluster cluster) {
        return new StreamsStage(VisionPreprocessTopology.STAGE,
                VisionPreprocessTopology.build(config, model.processorConfig(), model.name()), config.kafka(),
                cluster.connection());
    }

    /** The configuration of stages a test runs itself, one stream thread each, as a one-shot run of one source. */
    static SensoriumConfig config(Map<String, String> settings) {
        return ConfigLoader.load(null, Map.of(), settings).withThreadsPerSource(1);
    }

    /** Every record of a topic, in partition order, read until {@code expected} have come or the time is up. */
    static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected, Duration timeout) {
        return readUntil(topic, records -> records.size() >= expected, timeout);
    }

    /** Every record of a topic, in partition order, read until {@code done} says so or the time is up. */
    static List<ConsumerRecord<String, byte[]>> readUntil(String topic, Predicate<List<ConsumerRecord<String, byte[]>>> done,
                                                          Duration timeout) {
        return readUntil(TestKafka.connection(), topic, done, timeout);
    }

    /** The same from another cluster. */
    static List<ConsumerRecord<String, byte[]>> readUntil(KafkaConnection connection, String topic,
                                                          Predicate<List<ConsumerRecord<String, byte[]>>> done,
                                                          Duration timeout) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.reader(connection)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // A little longer, so that a duplicate after the expected records would be seen too.
            consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
        }
        return records;
    }
}
