package io.sensorium.bench;

import io.sensorium.core.records.RecordHeaders;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.ingest.audio.AudioDecoder;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;

/**
 * The speech stage's throughput as a cluster runs it — {@code sensorium process speech} instances, each a JVM of its
 * own, on log-mel features already on the topic, against a broker that stays ({@code sensorium broker}) — and how long
 * the streams of an instance killed with SIGKILL wait for the instance that takes them over.
 *
 * <pre>java -cp benchmarks.jar io.sensorium.bench.StageThroughput --sensorium ./sensorium --bootstrap HOST:PORT
 *     --model DIR --audio WAV --work DIR [--copies 2] [--streams 8] [--runs 1x1,1x2,2x1,2x2] [--kill 2x1]</pre>
 *
 * The audio, {@code --copies} times over, is cut into {@code --streams} streams of equal length, each named so that it
 * has a partition of its own (of as many), published with {@code sensorium ingest audio} and made into features by
 * {@code sensorium process features}, which is then stopped: only the speech stage is timed. A run IxT starts I
 * instances with {@code kafka.stream-threads=T} at once, as a consumer group of its own (which reads the features from
 * their start) writing a transcripts topic of its own, and is timed from their launch (JVM, model, joining the group)
 * to the arrival of the last stream's end record; its throughput is the audio's length over that time, and over the
 * time after the first instance said it was RUNNING. The kill run starts its configuration afresh and, once a third
 * of the segments that configuration gave are out, kills the first instance with SIGKILL; its recovery is the time
 * from the kill to the first new record of each of that instance's unfinished streams, which the other instance
 * finishes. Prints Markdown table rows on stdout (the columns
 * src/bench/stage-throughput.sh heads them with) and each run's command on stderr; each instance logs into
 * {@code --work}.
 */
public final class StageThroughput {
    private static final int RATE = 16_000;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(30);

    private final Path sensorium;
    private final String bootstrap;
    private final String model;
    private final Path work;
    private final int streams;
    private final String run;
    private final Map<String, Integer> partitionOf = new TreeMap<>();
    private double audioSeconds;

    private StageThroughput(Map<String, String> options) {
        this.sensorium = Path.of(options.get("sensorium"));
        this.bootstrap = options.get("bootstrap");
        this.model = options.get("model");
        this.work = Path.of(options.get("work"));
        this.streams = Integer.parseInt(options.getOrDefault("streams", "8"));
        // Topics and groups of this benchmark's own, so that a broker kept from another run does not mix in.
        this.run = "bench-" + Long.toString(System.currentTimeMillis(), 36);
    }

    /** IxT: I instances of T stream threads each. */
    private record Shape(int instances, int threads) {
        static Shape parse(String text) {
            String[] parts = text.split("x");
            return new Shape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }

        String label() {
            return instances + "x" + threads;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse(args);
        StageThroughput bench = new StageThroughput(options);
        bench.prepare(Path.of(options.get("audio")), Integer.parseInt(options.getOrDefault("copies", "2")));
        Map<String, Integer> segments = new LinkedHashMap<>();
        for (String shape : options.getOrDefault("runs", "1x1,1x2,2x1,2x2").split(",")) {
            segments.put(shape, bench.throughput(Shape.parse(shape)));
        }
        String kill = options.getOrDefault("kill", "2x1");
        if (!kill.isEmpty()) {
            Integer expected = segments.get(kill);
            if (expected == null) {
                throw new IllegalArgumentException("--kill " + kill + " must be one of --runs: its segments say when to kill");
            }
            bench.recovery(Shape.parse(kill), expected);
        }
    }

    /** Streams cut from the audio, published, and made into features. */
    private void prepare(Path audio, int copies) throws Exception {
        short[] once = AudioDecoder.decodeAll(audio, RATE);
        int length = once.length * copies / streams;
        audioSeconds = (double) length * streams / RATE;
        Path dir = Files.createDirectories(work.resolve("streams"));
        List<String> files = new ArrayList<>();
        for (int p = 0, candidate = 0; p < streams; p++) {
            String name;
            do {
                name = "s" + candidate++ + ".wav";
            } while (BuiltInPartitioner.partitionForKey(name.getBytes(StandardCharsets.UTF_8), streams) != p);
            partitionOf.put(name, p);
            short[] part = new short[length];
            for (int i = 0; i < length; i++) {
                part[i] = once[(p * length + i) % once.length];
            }
            files.add(writeWav(dir.resolve(name), part).toString());
        }
        System.err.printf(Locale.ROOT, "%d streams of %.1f s (%s, %d times over): %s%n", streams, length / (double) RATE,
                audio, copies, partitionOf.keySet());
        List<String> ingest = command("ingest", "audio");
        ingest.addAll(List.of("--set", "topics.transcripts=" + run + ".transcripts"));
        ingest.addAll(files);
        Process publishing = new ProcessBuilder(ingest).redirectErrorStream(true)
                .redirectOutput(work.resolve("ingest.log").toFile()).start();
        if (publishing.waitFor() != 0) {
            throw new IllegalStateException("ingest failed:\n" + Files.readString(work.resolve("ingest.log")));
        }
        try (TopicWatch features = TopicWatch.start(bootstrap, run + ".features")) {
            StageProcess stage = StageProcess.start(stageCommand("features", run, run + ".transcripts", 1, "features"),
                    work.resolve("features.log"));
            features.await(records -> records.stream()
                    .filter(r -> RecordHeaders.flag(r.record().headers(), RecordHeaders.END_OF_STREAM)).count() >= streams,
                    RUN_LIMIT);
            stage.stop();
        }
    }

    /** One run of the speech stage in {@code shape}; prints its row, and returns the segments it gave. */
    private int throughput(Shape shape) throws Exception {
        Outcome outcome = runSpeech(shape, shape.label(), null);
        System.out.println(row(shape.label(), shape, outcome, "–"));
        return outcome.segments();
    }

    /** The run of {@code shape} again, its first instance killed once a third of {@code expected} segments are out. */
    private void recovery(Shape shape, int expected) throws Exception {
        Kill kill = new Kill(expected / 3);
        Outcome outcome = runSpeech(shape, "kill-" + shape.label(), kill);
        List<Double> waits = new ArrayList<>();
        for (String stream : kill.moved) {
            outcome.arrivals().stream()
                    .filter(a -> a.nanos() > kill.at && stream.equals(a.record().key()))
                    .findFirst()
                    .ifPresent(first -> waits.add((first.nanos() - kill.at) / 1e9));
        }
        String recovery = waits.isEmpty() ? "no unfinished stream at the kill"
                : String.format(Locale.ROOT, "%.1f / %.1f (%d streams)", waits.stream().mapToDouble(w -> w).min().orElseThrow(),
                        waits.stream().mapToDouble(w -> w).max().orElseThrow(), waits.size());
        System.out.println(row("kill -9 of 1 of " + shape.instances() + " (" + shape.label() + ")", shape, outcome, recovery));
    }

    /** When to kill the first instance, and what it left: set once it is done. */
    private static final class Kill {
        final int afterSegments;
        long at;
        Set<String> moved = Set.of();

        Kill(int afterSegments) {
            this.afterSegments = afterSegments;
        }
    }

    private record Outcome(long started, long lastEnd, long running, int segments, List<TopicWatch.Arrival> arrivals) {}

    private Outcome runSpeech(Shape shape, String label, Kill kill) throws Exception {
        String prefix = run + "-" + label;
        String transcripts = run + ".transcripts." + label;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            // Made here so that the watch can read it from the first moment; the stage finds it there.
            admin.createTopics(List.of(new NewTopic(transcripts, Optional.of(streams), Optional.empty()))).all()
                    .get(60, TimeUnit.SECONDS);
        }
        List<StageProcess> instances = new ArrayList<>();
        System.err.printf("run %s: %d x %s%n", label, shape.instances(),
                String.join(" ", stageCommand("speech", prefix, transcripts, shape.threads(), label + "-0")));
        try (TopicWatch watch = TopicWatch.start(bootstrap, transcripts)) {
            long started = System.nanoTime();
            for (int i = 0; i < shape.instances(); i++) {
                instances.add(StageProcess.start(stageCommand("speech", prefix, transcripts, shape.threads(), label + "-" + i),
                        work.resolve(label + "-" + i + ".log")));
            }
            if (kill != null) {
                watch.await(records -> segments(records) >= kill.afterSegments, RUN_LIMIT);
                StageProcess victim = instances.get(0);
                Set<Integer> itsPartitions = partitionsOf(prefix + "-speech", victim.pid());
                Set<String> ended = ended(watch.await(records -> true, RUN_LIMIT));
                kill.at = System.nanoTime();
                instances.remove(victim);
                victim.kill();
                kill.moved = partitionOf.entrySet().stream()
                        .filter(e -> itsPartitions.contains(e.getValue()) && !ended.contains(e.getKey()))
                        .map(Map.Entry::getKey).collect(Collectors.toSet());
            }
            List<TopicWatch.Arrival> arrivals = watch.await(records -> ended(records).size() >= streams, RUN_LIMIT);
            long lastEnd = arrivals.stream().filter(a -> TranscriptJson.read(a.record().value()) instanceof TranscriptEnd)
                    .mapToLong(TopicWatch.Arrival::nanos).max().orElseThrow();
            // Work begins when the first instance runs (with every partition until the others join).
            long running = instances.stream().mapToLong(StageProcess::runningAt).filter(at -> at > 0).min().orElseThrow();
            return new Outcome(started, lastEnd, running, segments(arrivals), arrivals);
        } finally {
            for (StageProcess instance : instances) {
                instance.stop();
            }
        }
    }

    private String row(String name, Shape shape, Outcome outcome, String recovery) {
        double wall = (outcome.lastEnd() - outcome.started()) / 1e9;
        double startUp = (outcome.running() - outcome.started()) / 1e9;
        return String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %d | %.1f | %.1f | %.1f | %.1f | %s |", name,
                shape.instances(), shape.threads(), audioSeconds, outcome.segments(), wall, audioSeconds / wall,
                startUp, audioSeconds / (wall - startUp), recovery);
    }

    private static int segments(List<TopicWatch.Arrival> records) {
        return (int) records.stream().filter(a -> !(TranscriptJson.read(a.record().value()) instanceof TranscriptEnd)).count();
    }

    private static Set<String> ended(List<TopicWatch.Arrival> records) {
        Set<String> ended = new HashSet<>();
        for (TopicWatch.Arrival arrival : records) {
            if (TranscriptJson.read(arrival.record().value()) instanceof TranscriptEnd end) {
                ended.add(end.stream());
            }
        }
        return ended;
    }

    /** The input partitions the instance with process id {@code pid} works on (its static members carry the pid). */
    private Set<Integer> partitionsOf(String group, long pid) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.describeConsumerGroups(List.of(group)).all().get(60, TimeUnit.SECONDS).get(group).members()
                    .stream()
                    .filter(member -> member.groupInstanceId().orElse("").contains("-" + pid + "-"))
                    .map(MemberDescription::assignment)
                    .flatMap(assignment -> assignment.topicPartitions().stream())
                    .map(TopicPartition::partition)
                    .collect(Collectors.toSet());
        }
    }

    private List<String> stageCommand(String stage, String prefix, String transcripts, int threads, String state) {
        List<String> command = command("process", stage);
        command.addAll(List.of("--model", model,
                "--set", "kafka.application-id-prefix=" + prefix,
                "--set", "topics.transcripts=" + transcripts,
                "--set", "kafka.stream-threads=" + threads,
                "--set", "kafka.state-dir=" + work.resolve("state").resolve(state),
                // Greedy, as the figures this benchmark reported were measured before beam search came.
                "--set", "speech.beam-size=1"));
        return command;
    }

    /** {@code sensorium COMMAND...} on the broker, with this benchmark's topics. */
    private List<String> command(String... words) {
        List<String> command = new ArrayList<>(List.of(sensorium.toString()));
        command.addAll(List.of(words));
        command.addAll(List.of("--bootstrap-servers", bootstrap,
                "--set", "kafka.partitions=" + streams,
                "--set", "topics.audio=" + run + ".audio",
                "--set", "topics.features=" + run + ".features",
                "--set", "topics.dead-letters=" + run + ".dead-letters"));
        return command;
    }

    private static Path writeWav(Path file, short[] pcm) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asShortBuffer().put(pcm);
        AudioFormat format = new AudioFormat(RATE, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(bytes.array()), format, pcm.length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
        return file;
    }
}
