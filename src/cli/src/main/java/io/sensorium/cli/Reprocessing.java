package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.KafkaConnection;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.kafka.TopicAdmin;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A reprocessing run from the command line to its end: the run planned (found in the registry, or its range
 * resolved), then registered, its input copied ({@link TopicCopy}) and its stages run on the copy, under names
 * derived from the run id ({@link ReprocessRun}), until every stream it copied has come out; then marked done and
 * its own topics, groups and state removed. The live pipeline's topics, groups and offsets are only ever read.
 */
final class Reprocessing implements AutoCloseable {
    /** The run's stages, built on the configuration {@link #stageSettings()} makes. */
    interface Stages {
        List<StreamsStage> build(KafkaConnection connection) throws Exception;
    }

    private final ReprocessKind kind;
    private final ReprocessOptions options;
    private final SensoriumConfig config;
    private final KafkaCluster cluster;
    private final Admin admin;
    private final RunRegistry registry;
    private final int inputPartitions;
    private final boolean registered;
    private ReprocessRun run;

    private Reprocessing(ReprocessKind kind, ReprocessOptions options, SensoriumConfig config, KafkaCluster cluster,
                         Admin admin, RunRegistry registry, int inputPartitions, ReprocessRun run, boolean registered) {
        this.kind = kind;
        this.options = options;
        this.config = config;
        this.cluster = cluster;
        this.admin = admin;
        this.registry = registry;
        this.inputPartitions = inputPartitions;
        this.run = run;
        this.registered = registered;
    }

    /**
     * The run these options ask for: as the registry has it when it was started before, else with its range
     * resolved now. Nothing is written yet.
     *
     * @throws UserFacingError when the input topic does not exist, the output is the input or the live output, the
     *                         range is wrong or empty, or the progress interval is not above 0
     */
    static Reprocessing plan(ReprocessKind kind, SensoriumConfig config, ReprocessOptions options, String model) {
        String input = kind.inputTopic(config);
        String output = options.output != null ? options.output : kind.defaultOutputTopic(model);
        if (output.equals(input) || output.equals(kind.liveOutputTopic(config))) {
            throw new UserFacingError("--output " + output + " is the " + (output.equals(input) ? "input" : "live pipeline's output")
                    + " topic: a reprocessing run writes to a topic of its own", UserFacingError.USAGE);
        }
        if (!(options.progressEvery > 0)) {
            throw new UserFacingError("--progress-every must be a number of seconds above 0, not " + options.progressEvery,
                    UserFacingError.USAGE);
        }
        KafkaCluster cluster = KafkaCluster.connect(config, false);
        Admin admin = cluster.connection().admin();
        try {
            int partitions = partitions(admin, input, cluster.connection().bootstrapServers(), "to reprocess (the input is the"
                    + " configured topics.audio or topics.frames)");
            if (options.compare != null) {
                partitions(admin, options.compare, cluster.connection().bootstrapServers(), "to compare with");
            }
            String id = ReprocessRun.id(kind, input, options.from, options.to, options.streams, model, output);
            RunRegistry registry = new RunRegistry(cluster.connection(), admin);
            var found = registry.find(id);
            if (found.isPresent()) {
                return new Reprocessing(kind, options, config, cluster, admin, registry, partitions, found.get(), true);
            }
            ZoneId zone = ZoneId.systemDefault();
            List<PartitionRange> ranges = RangeResolver.resolve(input, RangeBound.parse(options.from, "--from", zone),
                    options.from, RangeBound.parse(options.to, "--to", zone), options.to,
                    new AdminTopicOffsets(admin, input, IntStream.range(0, partitions).boxed().toList()));
            ReprocessRun run = new ReprocessRun(ReprocessRun.SCHEMA, id, kind.command(), input, options.from, options.to,
                    List.copyOf(options.streams), model, output, ReprocessRun.RUNNING, ranges, Map.of());
            return new Reprocessing(kind, options, config, cluster, admin, registry, partitions, run, false);
        } catch (RuntimeException e) {
            admin.close();
            cluster.close();
            throw e;
        }
    }

    /** @param purpose what the topic is for, said when it does not exist */
    private static int partitions(Admin admin, String topic, String bootstrapServers, String purpose) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UserFacingError("no topic " + topic + " on " + bootstrapServers + " " + purpose,
                        UserFacingError.USAGE);
            }
            throw new IllegalStateException("cannot describe " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + topic, e);
        }
    }

    /**
     * Says so and returns true when there is nothing to run: the run is done already (then compares, if asked), or
     * this is a dry run (which prints the plan on stdout).
     */
    boolean nothingToDo() {
        if (run.done()) {
            System.err.println("sensorium: run " + run.run() + " is done already, nothing to do: its results are on "
                    + run.output());
            RunCleanup.removeLeftovers(admin, run, stateDir());
            compareIfAsked();
            return true;
        }
        if (options.dryRun) {
            printPlan(System.out);
            return true;
        }
        return false;
    }

    /** Settings that put the stages on the run's own topics and groups, writing to its output. */
    Map<String, String> stageSettings() {
        return Map.ofEntries(
                Map.entry("kafka.application-id-prefix", run.applicationIdPrefix()),
                Map.entry("kafka.state-dir", stateDir().toString()),
                Map.entry("topics.audio", run.privateTopic(ReprocessKind.SPEECH.copyTopic())),
                Map.entry("topics.features", run.privateTopic(ReprocessKind.SPEECH.middleTopic())),
                Map.entry("topics.transcripts", run.output()),
                Map.entry("topics.frames", run.privateTopic(ReprocessKind.VISION.copyTopic())),
                Map.entry("topics.pixels", run.privateTopic(ReprocessKind.VISION.middleTopic())),
                Map.entry("topics.detections", run.output()),
                // A run reads whole streams at its own pace: the windowed offline mode, every frame of a camera
                // however long ago it was captured, and no annotated frames.
                Map.entry("speech.live", "false"),
                Map.entry("vision.live-frames", SensoriumConfig.Vision.ALL),
                // Events are of what cameras see now, on the live pipeline's events topic: not a run's to write.
                Map.entry("vision.events.enabled", "false"),
                Map.entry("vision.annotate", "false"));
    }

    /** The input topic's partitions: the stages get a stream thread for each (up to a limit). */
    int inputPartitions() {
        return inputPartitions;
    }

    /**
     * Runs until every stream of the range has come out, or a signal stops it.
     *
     * @return the exit code: 0 when done, {@link UserFacingError#FAILED} when a record was dead-lettered
     */
    int run(Stages stages, StopOnSignal signal) throws Exception {
        List<String> ownTopics = List.of(run.privateTopic(kind.copyTopic()), run.privateTopic(kind.middleTopic()));
        if (!registered) {
            // Output and the run's own topics take the broker's retention: only the live input topics are kept longer.
            TopicAdmin.ensureTopics(cluster.connection(), List.of(run.output()), inputPartitions,
                    config.kafka().replicationFactor(), Map.of());
            int outputPartitions = partitions(admin, run.output(), cluster.connection().bootstrapServers(), "to write to");
            run = run.withOutputStart(new AdminTopicOffsets(admin, run.output(),
                    IntStream.range(0, outputPartitions).boxed().toList()).latestByPartition());
            registry.save(run);
        }
        List<String> topics = new ArrayList<>(ownTopics);
        topics.add(config.topics().deadLetters());
        TopicAdmin.ensureTopics(cluster.connection(), topics, inputPartitions, config.kafka().replicationFactor(),
                Map.of());
        RunCleanup.removeMembers(admin, run);
        RunProgress progress = new RunProgress(kind, run.partitions(),
                WorkEstimate.of(cluster.connection(), run.input(), run.partitions(), kind));
        RunStages running = new RunStages(cluster.connection(), run, kind, ownTopics, config.topics().deadLetters(), progress,
                new ProgressDisplay(Duration.ofMillis(Math.round(options.progressEvery * 1000))));
        signal.onStop(running::stop);
        List<String> problems = running.run(stages.build(cluster.connection()),
                new TopicCopy(cluster.connection(), run, kind, ownTopics.get(0), progress));
        if (!progress.done()) {
            System.err.println("sensorium: run " + run.run() + " stopped; the same command goes on from where it stopped");
            return UserFacingError.FAILED;
        }
        registry.save(run.withStatus(ReprocessRun.DONE));
        RunCleanup.removeLeftovers(admin, run, stateDir());
        problems.forEach(problem -> System.err.println("sensorium: " + problem));
        System.err.printf(Locale.ROOT, "sensorium: run %s done: %d streams, %.1f %s, on %s%n", run.run(),
                progress.streams(), progress.work(), kind.unit(), run.output());
        compareIfAsked();
        return problems.isEmpty() ? 0 : UserFacingError.FAILED;
    }

    private void compareIfAsked() {
        if (options.compare != null) {
            new OutputComparison(kind).print(TopicSnapshot.read(cluster.connection(), run.output(), run.outputStart()),
                    TopicSnapshot.read(cluster.connection(), options.compare, Map.of()), options.compare, System.out);
        }
    }

    private void printPlan(PrintStream out) {
        out.printf("run %s: reprocess %s of %s --from %s --to %s%s into %s (%s)%n", run.run(), kind.command(), run.input(),
                run.from(), run.to(), run.streams().isEmpty() ? "" : " --streams " + String.join(",", run.streams()),
                run.output(), registered ? "started before, goes on" : "not started");
        Map<Integer, Double> work = WorkEstimate.of(cluster.connection(), run.input(), run.partitions(), kind);
        for (PartitionRange range : run.partitions()) {
            out.printf(Locale.ROOT, "partition %d: offsets %d to %d, %d records, about %.1f %s; streams open at %d read on"
                            + " up to offset %d%n", range.partition(), range.start(), range.end(), range.records(),
                    work.get(range.partition()), kind.unit(), range.end(), range.limit());
        }
        out.printf(Locale.ROOT, "total: %d records, about %.1f %s%n",
                run.partitions().stream().mapToLong(PartitionRange::records).sum(),
                work.values().stream().mapToDouble(Double::doubleValue).sum(), kind.unit());
    }

    /**
     * Kept across processes of the run: Kafka Streams keeps its process id there, and so its transactional ids, so
     * that a rerun fences what a killed process left open at once instead of after the transaction timeout.
     */
    private Path stateDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), run.applicationIdPrefix());
    }

    @Override
    public void close() {
        try {
            admin.close();
        } finally {
            cluster.close();
        }
    }
}
