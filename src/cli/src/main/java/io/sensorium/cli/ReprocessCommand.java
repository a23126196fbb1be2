package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.processors.features.FeatureTopology;
import io.sensorium.processors.onnx.SharedModels;
import io.sensorium.processors.speech.SpeechEngine;
import io.sensorium.processors.speech.SpeechTopology;
import io.sensorium.processors.vision.VisionPreprocessTopology;
import io.sensorium.processors.vision.VisionTopology;
import io.sensorium.processors.vision.model.VisionModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sensorium reprocess speech|vision}: a bounded range of the audio or frames topic through a model again, as
 * a run of its own ({@link Reprocessing}) beside the live pipeline, exactly once and resumable.
 */
@Command(name = "reprocess", mixinStandardHelpOptions = true,
        description = "Run a range of the audio or frames topic through a (new) model again, into a topic of its own.",
        subcommands = {ReprocessCommand.Speech.class, ReprocessCommand.Vision.class})
final class ReprocessCommand {
    private static final String RULE = "A stream is reprocessed whole when its first record lies in the range; streams"
            + " begun before --from are left out; a stream still open at --to is read on to its end marker if the topic"
            + " held it when the run was first started, and closed there otherwise. Stopped (Ctrl-C, SIGTERM, kill -9)"
            + " and run again with the same arguments, a run goes on where it stopped; run again once done, it does nothing.";

    /**
     * Loads a run's model and runs its stages with it, on the run's configuration (each kind chooses its stream
     * threads for the run's input partitions).
     */
    private interface ModelStages {
        int run(Reprocessing run, SensoriumConfig stages, StopOnSignal signal) throws Exception;
    }

    /** What both subcommands take. */
    abstract static class Subcommand implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Mixin
        ReprocessOptions reprocess;
    }

    @Command(name = "speech", mixinStandardHelpOptions = true,
            description = {"Audio -> features -> transcripts, with the model given (--model).", RULE})
    static final class Speech extends Subcommand {
        @Mixin
        DecodingOptions decoding;

        @Override
        public Integer call() throws Exception {
            return ReprocessCommand.run(ReprocessKind.SPEECH, options, reprocess, "speech.model", config -> {
                FeatureTopology.requireSupported(config.audio());
                return ConfiguredModels.whisper(config);
            }, (run, stages, signal) -> {
                SensoriumConfig chosen = decoding.apply(stages);
                SensoriumConfig decoded = chosen.withSpeechThreadsPerSource(run.inputPartitions());
                try (SpeechEngine engine = SpeechEngine.open(decoded)) {
                    SensoriumConfig withBins = decoded.withMelBins(engine.melBins());
                    return run.run(connection -> List.of(
                            new StreamsStage(FeatureTopology.STAGE, FeatureTopology.build(withBins),
                                    chosen.withPreprocessingThreadsBeside(decoded).kafka(), connection),
                            new StreamsStage(SpeechTopology.STAGE, SpeechTopology.build(withBins, engine),
                                    withBins.kafka(), connection)), signal);
                }
            });
        }
    }

    @Command(name = "vision", mixinStandardHelpOptions = true,
            description = {"Frames -> pixel input -> detections, with the model given (--model).", RULE})
    static final class Vision extends Subcommand {
        @Override
        public Integer call() throws Exception {
            return ReprocessCommand.run(ReprocessKind.VISION, options, reprocess, "vision.model", ConfiguredModels::vision,
                    (run, settings, signal) -> {
                        SensoriumConfig stages = settings.withThreadsPerSource(run.inputPartitions());
                        String modelName = stages.vision().model().getFileName().toString();
                        try (SharedModels.Handle<VisionModel> model = ConfiguredModels.openVision(stages)) {
                            return run.run(connection -> List.of(
                                    new StreamsStage(VisionPreprocessTopology.STAGE, VisionPreprocessTopology.build(stages,
                                            model.model().processorConfig(), modelName),
                                            settings.withPreprocessingThreadsBeside(stages).kafka(), connection),
                                    new StreamsStage(VisionTopology.STAGE, VisionTopology.build(stages, model.model()),
                                            stages.kafka(), connection)), signal);
                        }
                    });
        }
    }

    /**
     * @param modelKey     the configuration key {@code --model} sets
     * @param requireModel the model directory the configuration names, or a usage error
     */
    private static int run(ReprocessKind kind, ConfigOptions options, ReprocessOptions reprocess, String modelKey,
                           Function<SensoriumConfig, Path> requireModel, ModelStages stages) throws Exception {
        try (StopOnSignal signal = new StopOnSignal()) {
            SensoriumConfig config = options.load(modelKey);
            String modelName = requireModel.apply(config).getFileName().toString();
            try (Reprocessing run = Reprocessing.plan(kind, config, reprocess, modelName)) {
                if (run.nothingToDo()) {
                    return 0;
                }
                return stages.run(run, options.load(modelKey, run.stageSettings()), signal);
            }
        }
    }
}
