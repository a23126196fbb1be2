package io.sensorium.processors.vision;

import static io.sensorium.core.records.RecordHeaders.LIVE;
import static io.sensorium.core.records.RecordHeaders.SEQUENCE;
import static io.sensorium.core.records.RecordHeaders.flag;
import static io.sensorium.core.records.RecordHeaders.longOr;

import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.sensorium.core.kafka.DeadLetteringProcessor;
import io.sensorium.core.records.Detection;
import io.sensorium.core.records.DetectionsEnd;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.ImageFrame;
import io.sensorium.core.records.ImageFrameSerde;
import io.sensorium.core.records.InvalidRecordException;
import io.sensorium.core.records.JsonRecords;
import io.sensorium.core.records.PixelFrame;
import io.sensorium.core.records.PixelFrameSerde;
import io.sensorium.processors.vision.model.FrameAnnotator;
import io.sensorium.processors.vision.model.ModelOutputs;
import io.sensorium.processors.vision.model.PixelInput;
import io.sensorium.processors.vision.model.RgbImage;
import io.sensorium.processors.vision.model.VisionModel;
import io.sensorium.processors.vision.model.VisionPostProcessor;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pixels topic -> detections topic: runs the model on each frame's input, post-processes, gives the objects their
 * track ids (where tracking is on, {@link CameraTrackers}), and writes one JSON record per frame (and the end
 * marker); with annotation on, also the frame with its detections drawn.
 */
final class VisionProcessor extends DeadLetteringProcessor {
    private static final Timer INFERENCE = Timer.builder("sensorium.vision.inference")
            .description("model runs, one per frame: their count is the frames processed").publishPercentileHistogram()
            .register(Metrics.globalRegistry);
    private static final Logger LOG = LoggerFactory.getLogger(VisionProcessor.class);
    private static final Counter SKIPPED = Counter.builder("sensorium.vision.frames.skipped")
            .description("live frames left out because they reached the vision stage too late (vision.live-frames)")
            .register(Metrics.globalRegistry);
    private static final long SKIP_WARNING_INTERVAL_MS = 10_000;
    private static final DistributionSummary LAG = DistributionSummary.builder("sensorium.vision.lag")
            .description("how long after ingest read a frame from its camera the vision stage has its detections")
            .baseUnit("seconds").register(Metrics.globalRegistry);

    private final VisionModel model;
    private final VisionPostProcessor postProcessor;
    private final PixelFrameSerde pixels;
    private final ImageFrameSerde annotatedFrames = new ImageFrameSerde(Integer.MAX_VALUE);
    private final boolean annotate;
    /** How late, in ms, a live frame may reach this stage; a later one is skipped. Long.MAX_VALUE: never skipped. */
    private final long maxLagMs;
    private long lastSkipWarning;
    /** Null where detections are not tracked. */
    private final Function<ProcessorContext<String, byte[]>, CameraTrackers> trackers;
    private CameraTrackers tracking;

    /**
     * @param maxLagMs how late a live frame may reach the stage before it is skipped; Long.MAX_VALUE for every frame
     * @param trackers the cameras' trackers over the stage's stores, or null to leave detections untracked
     */
    VisionProcessor(VisionModel model, VisionPostProcessor postProcessor, int maxRecordBytes, boolean annotate,
                    long maxLagMs, Function<ProcessorContext<String, byte[]>, CameraTrackers> trackers) {
        super(VisionTopology.STAGE);
        this.maxLagMs = maxLagMs;
        this.model = model;
        this.postProcessor = postProcessor;
        this.pixels = new PixelFrameSerde(maxRecordBytes);
        this.annotate = annotate;
        this.trackers = trackers;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        super.init(context);
        if (trackers != null) {
            KeyValueStore<String, byte[]> store = context.getStateStore(VisionTopology.TRACKER_STORE);
            countStreams(store);
            tracking = trackers.apply(context);
        }
    }

    @Override
    protected void handle(Record<String, byte[]> record) {
        PixelFrame frame = pixels.read(record.key(), record.value(), record.headers());
        if (frame.endOfStream()) {
            end(record, frame.streamId(), frame.sequence());
            return;
        }
        if (!frame.model().equals(model.name())) {
            throw new InvalidRecordException("pixel frame " + frame.sequence() + " was prepared for model '"
                    + frame.model() + "', this processor runs '" + model.name() + "'");
        }
        long lagMs = Math.max(0, System.currentTimeMillis() - record.timestamp());
        if (lagMs > maxLagMs && flag(record.headers(), LIVE)) {
            skip(frame, lagMs);
            return;
        }
        PixelInput input = PixelInput.of(frame, model.processorConfig().filter());
        List<Detection> found = INFERENCE.record(() -> detect(input, frame));
        CameraTrackers.Tracked tracked = tracking == null ? null : tracking.track(frame.streamId(), found);
        List<Detection> detections = tracked == null ? found : tracked.detections();
        LAG.record(Math.max(0, System.currentTimeMillis() - record.timestamp()) / 1000.0);
        FrameDetections out = FrameDetections.of(frame.streamId(), frame.sequence(), frame.timestampMicros() / 1e6,
                record.timestamp(), model.name(), postProcessor.task(), frame.frameWidth(), frame.frameHeight(),
                detections);
        emit(new Record<>(frame.streamId(), JsonRecords.write(out), record.timestamp()));
        if (tracked != null) {
            emitEvents(frame.streamId(), tracking.events(out, tracked.alive()), record.timestamp());
        }
        if (annotate) {
            RgbImage image = input.stored();
            byte[] jpeg = FrameAnnotator.annotate(image, frame.frameWidth(), frame.frameHeight(), detections);
            ImageFrame annotated = new ImageFrame(frame.streamId(), frame.sequence(), frame.timestampMicros(),
                    image.width(), image.height(), false, jpeg);
            RecordHeaders headers = new RecordHeaders();
            annotatedFrames.writeHeaders(annotated, headers);
            emit(new Record<>(frame.streamId(), jpeg, record.timestamp(), headers), VisionTopology.ANNOTATED);
        }
    }

    /**
     * A live frame the stage reached too late: left out, so that the camera's results are about now rather than a
     * backlog that grows while inference is slower than the camera (DeepStream and Frigate drop frames alike).
     */
    private void skip(PixelFrame frame, long lagMs) {
        SKIPPED.increment();
        long now = System.currentTimeMillis();
        if (now - lastSkipWarning >= SKIP_WARNING_INTERVAL_MS) {
            lastSkipWarning = now;
            LOG.warn("camera {}: frame {} reached the vision stage {} s after it was captured, more than"
                            + " vision.live-max-lag-seconds: skipped, as are live frames until the stage catches up ({} so far"
                            + " in this process); more CPU, a GPU, more instances or a lower video.fps would keep up",
                    frame.streamId(), frame.sequence(), String.format("%.1f", lagMs / 1000.0), (long) SKIPPED.count());
        }
    }

    /** The camera's end marker was dead-lettered: the stream's detections end all the same. */
    @Override
    protected void endStream(Record<String, byte[]> last) {
        end(last, last.key(), longOr(last.headers(), SEQUENCE, 0));
    }

    private void end(Record<String, byte[]> in, String stream, long frames) {
        emit(new Record<>(stream, JsonRecords.write(DetectionsEnd.of(stream, frames)), in.timestamp()));
        if (tracking != null) {
            emitEvents(stream, tracking.end(stream, frames, in.timestamp()), in.timestamp());
        }
    }

    private void emitEvents(String stream, List<Object> events, long timestamp) {
        for (Object event : events) {
            emit(new Record<>(stream, JsonRecords.write(event), timestamp), VisionTopology.EVENTS);
        }
    }

    private List<Detection> detect(PixelInput input, PixelFrame frame) {
        try (OrtSession.Result result = model.run(input.chw(), input.height(), input.width())) {
            return postProcessor.process(new ModelOutputs(result), frame.frameWidth(), frame.frameHeight());
        }
    }
}
