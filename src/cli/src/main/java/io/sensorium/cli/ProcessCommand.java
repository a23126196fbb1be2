package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.metrics.MetricsEndpoint;
import io.sensorium.processors.features.FeatureTopology;
import io.sensorium.processors.onnx.SharedModels;
import io.sensorium.processors.speech.SpeechEngine;
import io.sensorium.processors.speech.SpeechTopology;
import io.sensorium.processors.vision.VisionPreprocessTopology;
import io.sensorium.processors.vision.VisionTopology;
import io.sensorium.processors.vision.model.VisionModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sensorium process features|speech|vision-preprocess|vision}: one processing stage as a long-running Kafka Streams application
 * against a cluster — the deployable form. Start as many instances as the input topic has partitions; they share
 * the work through the consumer group. Stops cleanly on SIGTERM.
 */
@Command(name = "process", mixinStandardHelpOptions = true, description = "Run one processing stage against a cluster.",
        subcommands = {ProcessCommand.Features.class, ProcessCommand.Speech.class, ProcessCommand.VisionPreprocess.class,
                ProcessCommand.Vision.class})
final class ProcessCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessCommand.class);

    @Command(name = "features", mixinStandardHelpOptions = true, description = "Audio chunks -> Whisper log-mel features.")
    static final class Features implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Mixin
        MetricsOptions metrics;

        @Override
        public Integer call() throws Exception {
            SensoriumConfig config = longRunning(options.load(), metrics);
            return runUntilStopped(config, FeatureTopology.STAGE, KafkaCluster.speechTopics(config),
                    () -> StageParts.modelFree(FeatureTopology.build(config)));
        }
    }

    @Command(name = "speech", mixinStandardHelpOptions = true, description = "Log-mel features -> transcript segments (Whisper).")
    static final class Speech implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Mixin
        MetricsOptions metrics;
        @Mixin
        DecodingOptions decoding;

        @Override
        public Integer call() throws Exception {
            SensoriumConfig config = decoding.apply(longRunning(options.load(), metrics));
            return runUntilStopped(config, SpeechTopology.STAGE, KafkaCluster.speechTopics(config), () -> {
                LOG.info("stage {} loading {}", SpeechTopology.STAGE, config.speech().model());
                SpeechEngine engine = SpeechEngine.open(config);
                return StageParts.over(engine,
                        () -> SpeechTopology.build(config.withMelBins(engine.melBins()), engine));
            });
        }
    }

    @Command(name = "vision-preprocess", mixinStandardHelpOptions = true,
            description = "Frames -> the vision model's pixel input (resized as its preprocessor_config.json says).")
    static final class VisionPreprocess implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Mixin
        MetricsOptions metrics;

        @Override
        public Integer call() throws Exception {
            SensoriumConfig config = longRunning(options.load("vision.model"), metrics);
            Path model = ConfiguredModels.vision(config);
            return runUntilStopped(config, VisionPreprocessTopology.STAGE, KafkaCluster.visionTopics(config),
                    () -> StageParts.modelFree(VisionPreprocessTopology.build(config,
                            VisionModel.processorConfig(model), model.getFileName().toString())));
        }
    }

    @Command(name = "vision", mixinStandardHelpOptions = true,
            description = "Pixel inputs -> detections or classifications (DETR, YOLOS, ViT), optionally annotated frames.")
    static final class Vision implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Mixin
        MetricsOptions metrics;

        @Override
        public Integer call() throws Exception {
            SensoriumConfig config = longRunning(options.load("vision.model"), metrics);
            return runUntilStopped(config, VisionTopology.STAGE, KafkaCluster.visionTopics(config), () -> {
                LOG.info("stage {} loading {}", VisionTopology.STAGE, ConfiguredModels.vision(config));
                SharedModels.Handle<VisionModel> model = ConfiguredModels.openVision(config);
                return StageParts.over(model, () -> VisionTopology.build(config, model.model()));
            });
        }
    }

    /**
     * A long-running stage's configuration: where the configuration leaves them to the command, a stream thread per
     * core and state kept across restarts (a restarted instance then restores only what changed meanwhile, not its
     * stores' whole changelogs); metrics as asked.
     */
    private static SensoriumConfig longRunning(SensoriumConfig loaded, MetricsOptions metrics) {
        String stateDir = XdgDirectories.state().resolve("sensorium").toString();
        return metrics.apply(loaded.withThreadsPerCore().withDefaultStateDir(stateDir));
    }

    /** What a stage runs: its topology, and its model, closed once the stage has. */
    private record StageParts(Topology topology, AutoCloseable model) {
        static StageParts modelFree(Topology topology) {
            return new StageParts(topology, () -> { });
        }

        /** The topology built over {@code model}; the model is closed if that fails. */
        static StageParts over(AutoCloseable model, Supplier<Topology> build) throws Exception {
            try {
                return new StageParts(build.get(), model);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }

    /**
     * @param parts opens the stage's model and builds its topology, once the cluster is there (a missing one is said
     *              at once, not after a model's load) and signals are handled here: a stop during the load ends the
     *              run once the model is loaded. Left to the JVM, a signal runs ONNX Runtime's shutdown hook, which
     *              frees its environment under the session being made (a crash: exit 134, an hs_err file).
     */
    private static int runUntilStopped(SensoriumConfig config, String stageName, List<String> topics,
                                       Callable<StageParts> parts) throws Exception {
        CountDownLatch stopRequested = new CountDownLatch(1);
        // Closed last: a signal's hook waits for the stage to close, so that its last offsets and state are committed
        // before the process goes.
        try (StopOnSignal signal = new StopOnSignal();
             KafkaCluster cluster = KafkaCluster.connect(config, false)) {
            signal.onStop(stopRequested::countDown);
            cluster.ensureTopics(config, topics);
            StageParts opened = parts.call();
            try (AutoCloseable model = opened.model()) {
                if (stopRequested.getCount() == 0) {
                    return 0;
                }
                try (StreamsStage stage = new StreamsStage(stageName, opened.topology(), config.kafka(),
                             cluster.connection());
                     AutoCloseable served = serveMetrics(config.metrics(), stage)) {
                    stage.start(Duration.ofMinutes(5));
                    LOG.info("stage {} running in group {}, {} stream threads", stageName,
                            StreamsStage.applicationId(config.kafka(), stageName), config.kafka().streamThreads());
                    while (!stopRequested.await(1, TimeUnit.SECONDS)) {
                        if (stage.failed()) {
                            return UserFacingError.FAILED;
                        }
                    }
                }
            }
        }
        return 0;
    }

    /** The stage's metrics and probes, where a port is set; the endpoint closes before the stage does. */
    private static AutoCloseable serveMetrics(SensoriumConfig.Metrics metrics, StreamsStage stage) {
        if (!metrics.served()) {
            return () -> { };
        }
        try {
            return MetricsEndpoint.start(metrics.host(), metrics.port(), stage::ready);
        } catch (IllegalArgumentException e) {
            throw new UserFacingError(e.getMessage(), UserFacingError.USAGE);
        }
    }
}
