package io.sensorium.processors.vision;

import static io.sensorium.core.records.RecordHeaders.SEQUENCE;
import static io.sensorium.core.records.RecordHeaders.longOr;

import ai.onnxruntime.OrtSession;
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

/**
 * Pixels topic -> detections topic: runs the model on each frame's input, post-processes, gives the objects their
 * track ids (where tracking is on, {@link CameraTrackers}), and writes one JSON record per frame (and the end
 * marker); with annotation on, also the frame with its detections drawn.
 */
final class VisionProcessor extends DeadLetteringProcessor {
    private static final Timer INFERENCE = Timer.builder("sensorium.vision.inference")
            .description("model runs, one per frame: their count is the frames processed").publishPercentileHistogram()
            .register(Metrics.globalRegistry);

    private final VisionModel model;
    private final VisionPostProcessor postProcessor;
    private final PixelFrameSerde pixels;
    private final ImageFrameSerde annotatedFrames = new ImageFrameSerde(Integer.MAX_VALUE);
    private final boolean annotate;
    /** Null where detections are not tracked. */
    private final Function<KeyValueStore<String, byte[]>, CameraTrackers> trackers;
    private CameraTrackers tracking;

    /**
     * @param trackers the cameras' trackers over the stage's tracker store, or null to leave detections untracked
     */
    VisionProcessor(VisionModel model, VisionPostProcessor postProcessor, int maxRecordBytes, boolean annotate,
                    Function<KeyValueStore<String, byte[]>, CameraTrackers> trackers) {
        super(VisionTopology.STAGE);
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
            tracking = trackers.apply(store);
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
        PixelInput input = PixelInput.of(frame, model.processorConfig().filter());
        List<Detection> found = INFERENCE.record(() -> detect(input, frame));
        List<Detection> detections = tracking == null ? found : tracking.track(frame.streamId(), found);
        FrameDetections out = FrameDetections.of(frame.streamId(), frame.sequence(), frame.timestampMicros() / 1e6,
                model.name(), postProcessor.task(), frame.frameWidth(), frame.frameHeight(), detections);
        emit(new Record<>(frame.streamId(), JsonRecords.write(out), record.timestamp()));
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

    /** The camera's end marker was dead-lettered: the stream's detections end all the same. */
    @Override
    protected void endStream(Record<String, byte[]> last) {
        end(last, last.key(), longOr(last.headers(), SEQUENCE, 0));
    }

    private void end(Record<String, byte[]> in, String stream, long frames) {
        if (tracking != null) {
            tracking.end(stream);
        }
        emit(new Record<>(stream, JsonRecords.write(DetectionsEnd.of(stream, frames)), in.timestamp()));
    }

    private List<Detection> detect(PixelInput input, PixelFrame frame) {
        try (OrtSession.Result result = model.run(input.chw(), input.height(), input.width())) {
            return postProcessor.process(new ModelOutputs(result), frame.frameWidth(), frame.frameHeight());
        }
    }
}
