package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.records.DetectionsEnd;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.EventsEnd;
import io.sensorium.core.records.EventsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.JsonRecords;
import io.sensorium.ingest.video.LivePacing;
import io.sensorium.ingest.video.VideoIngest;
import io.sensorium.processors.onnx.SharedModels;
import io.sensorium.processors.vision.VisionPreprocessTopology;
import io.sensorium.processors.vision.VisionTopology;
import io.sensorium.processors.vision.model.VisionModel;
import io.sensorium.view.LiveView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sensorium detect SOURCE...}: the whole vision path in one process — ingest, preprocessor and vision
 * processor as Kafka Streams applications — printing each frame's detections as they reach the detections topic.
 * File sources end by themselves; live ones run until the process is stopped (Ctrl-C), which closes them cleanly.
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Detect objects (DETR, YOLOS) or classify (ViT) in images, folders, videos or live URLs through "
                + "the Kafka pipeline; one JSON line per frame on stdout.")
final class DetectCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Parameters(paramLabel = "SOURCE", arity = "1..*",
            description = "An image, a folder of images, a video file (MP4, AVI, MKV...) or a live URL (rtsp://, http://...).")
    List<String> sources;

    @Option(names = "--fps", paramLabel = "N", description = "Sample videos and live sources at N frames per second (default: every frame).")
    Double fps;

    @Option(names = "--annotate", description = "Also publish each frame with its detections drawn (JPEG) to the annotated topic.")
    boolean annotate;

    @Option(names = "--events", description = "Print the tracked objects' events (new, update, end, zones entered"
            + " and left) instead of each frame's detections (object detection models).")
    boolean events;

    @Mixin
    ViewOption view;

    @Option(names = "--snapshots", paramLabel = "DIR", description = "Write each tracked object's best frame, its box"
            + " drawn, to DIR as CAMERA-TRACK-LABEL.jpg when its track ends (object detection models).")
    Path snapshots;

    @Override
    public Integer call() throws Exception {
        try (StopOnSignal signal = new StopOnSignal()) {
            return detect(signal);
        }
    }

    private int detect(StopOnSignal signal) throws Exception {
        if (fps != null) {
            options.settings.put("video.fps", fps.toString());
        }
        if (annotate) {
            options.settings.put("vision.annotate", "true");
        }
        if (snapshots != null) {
            options.settings.put("vision.events.snapshots", "true");
        }
        SensoriumConfig loaded = options.load("vision.model");
        SensoriumConfig config = loaded.withThreadsPerSource(sources.size());
        Path modelDir = ConfiguredModels.vision(config);
        if ((events || snapshots != null)
                && !(config.vision().tracking().enabled() && config.vision().events().enabled())) {
            throw new UserFacingError((events ? "--events" : "--snapshots")
                    + " needs vision.tracking.enabled and vision.events.enabled", UserFacingError.USAGE);
        }
        for (String source : sources) {
            if (!source.contains("://") && !Files.exists(Path.of(source))) {
                throw new UserFacingError("no such file or folder: " + source, UserFacingError.USAGE);
            }
        }
        Map<String, String> streams = StreamIds.forSources(sources);
        CompletableFuture<SharedModels.Handle<VisionModel>> loading =
                CompletableFuture.supplyAsync(() -> ConfiguredModels.openVision(config));
        KafkaCluster connected;
        try {
            connected = KafkaCluster.forRun(config, KafkaCluster.visionTopics(config));
        } catch (RuntimeException e) {
            PipelineRun.release(loading, SharedModels.Handle::close, e);
            throw e;
        }
        try (KafkaCluster cluster = connected; SharedModels.Handle<VisionModel> model = PipelineRun.join(loading)) {
            String modelName = modelDir.getFileName().toString();
            if ((events || snapshots != null) && !model.model().postProcessor(config.vision().scoreThreshold(),
                    config.vision().topK()).task().equals(FrameDetections.OBJECT_DETECTION)) {
                throw new UserFacingError((events ? "--events" : "--snapshots") + " needs an object detection model"
                        + " (DETR, YOLOS): " + modelName + " classifies images", UserFacingError.USAGE);
            }
            try (StreamsStage preprocess = new StreamsStage(VisionPreprocessTopology.STAGE,
                         VisionPreprocessTopology.build(config, model.model().processorConfig(), modelName),
                         loaded.withPreprocessingThreadsBeside(config).kafka(), cluster.connection());
                 StreamsStage vision = new StreamsStage(VisionTopology.STAGE, VisionTopology.build(config, model.model()),
                         config.kafka(), cluster.connection());
                 OutputWatcher watcher = events
                         ? new OutputWatcher(cluster.connection(), config.topics().events(),
                                 config.topics().deadLetters(), EventsJson::read, EventsEnd.class)
                         : new OutputWatcher(cluster.connection(), config.topics().detections(),
                                 config.topics().deadLetters(), DetectionsJson::read, DetectionsEnd.class);
                 SnapshotFiles files = snapshots == null ? null
                         : new SnapshotFiles(cluster.connection(), config.topics().snapshots(), snapshots);
                 KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.connection());
                 LivePacing pacing = Ingests.livePacing(config, cluster, streams.values());
                 LiveView liveView = view.open(config, cluster)) {
                watcher.expect(streams.keySet());
                VideoIngest ingest = Ingests.video(config, producer, pacing);
                SourcePublishing.stopOnSignal(signal, ingest::stop, streams.values());
                // Cameras are read at the same time, each on its thread: a live one has no end to wait for.
                int exit = PipelineRun.run(watcher, List.of(preprocess, vision), failures -> SourcePublishing.publishAll(
                        ingest::publish, ingest::stop, streams, false, result -> result.problems().forEach(
                                problem -> failures.failed(result.streamId(), problem, result.streamClosed()))), value -> {
                    // A stream's end is for the run to know when it is done; what a user reads are the detections.
                    if (!(value instanceof DetectionsEnd) && !(value instanceof EventsEnd)) {
                        System.out.println(JsonRecords.writeString(value));
                        System.out.flush();
                    }
                });
                return ViewOption.holdAfterRun(exit, liveView, signal);
            }
        }
    }
}
