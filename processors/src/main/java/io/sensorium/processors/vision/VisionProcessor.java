package io.sensorium.processors.vision;

import static io.sensorium.core.records.RecordHeaders.LABEL;
import static io.sensorium.core.records.RecordHeaders.SCORE;
import static io.sensorium.core.records.RecordHeaders.SEQUENCE;
import static io.sensorium.core.records.RecordHeaders.TRACK_ID;
import static io.sensorium.core.records.RecordHeaders.longOr;
import static io.sensorium.core.records.RecordHeaders.put;

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
import io.sensorium.processors.vision.model.PixelInput;
import io.sensorium.processors.vision.model.RgbImage;
import io.sensorium.processors.vision.model.VisionModel;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Pixels topic -> detections topic: runs the model on each frame's input (in a batch with other cameras' frames,
 * {@link FrameDetector}), gives the objects their track ids (where tracking is on, {@link CameraTrackers}), and
 * writes one JSON record per frame (and the end marker); with annotation on, also the frame with its detections
 * drawn; with events on, what happened to the objects, and with snapshots on, their best frames.
 */
final class VisionProcessor extends DeadLetteringProcessor {
    private static final Timer INFERENCE = Timer.builder("sensorium.vision.inference")
            .description("frames through the model, with their wait for a batch: their count is the frames processed")
            .publishPercentileHistogram()
            .register(Metrics.globalRegistry);
    private static final DistributionSummary LAG = DistributionSummary.builder("sensorium.vision.lag")
            .description("how long after ingest read a frame from its camera the vision stage has its detections")
            .baseUnit("seconds").register(Metrics.globalRegistry);

    private final FrameDetector detector;
    private final VisionModel model;
    private final PixelFrameSerde pixels;
    private final ImageFrameSerde imageFrames = new ImageFrameSerde(Integer.MAX_VALUE);
    private final boolean annotate;
    private final LateFrames lateFrames;
    /** Null where detections are not tracked. */
    private final Function<ProcessorContext<String, byte[]>, CameraTrackers> trackers;
    private CameraTrackers tracking;

    /**
     * @param lateFrames which live frames come too late to be worth processing
     * @param trackers the cameras' trackers over the stage's stores, or null to leave detections untracked
     */
    VisionProcessor(FrameDetector detector, int maxRecordBytes, boolean annotate, LateFrames lateFrames,
                    Function<ProcessorContext<String, byte[]>, CameraTrackers> trackers) {
        super(VisionTopology.STAGE);
        this.lateFrames = lateFrames;
        this.detector = detector;
        this.model = detector.model();
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
        if (lateFrames.skip(record, frame.sequence())) {
            return;
        }
        PixelInput input = PixelInput.of(frame, model.processorConfig().filter());
        List<Detection> found = INFERENCE.record(() -> detector.detect(input, frame.frameWidth(), frame.frameHeight()));
        CameraTrackers.Tracked tracked = tracking == null ? null : tracking.track(frame.streamId(), found);
        List<Detection> detections = tracked == null ? found : tracked.detections();
        LAG.record(Math.max(0, System.currentTimeMillis() - record.timestamp()) / 1000.0);
        FrameDetections out = FrameDetections.of(frame.streamId(), frame.sequence(), frame.timestampMicros() / 1e6,
                record.timestamp(), model.name(), detector.postProcessor().task(), frame.frameWidth(), frame.frameHeight(),
                detections);
        emit(new Record<>(frame.streamId(), JsonRecords.write(out), record.timestamp()));
        if (tracked != null) {
            say(frame.streamId(), tracking.events(out, tracked.alive(), input::stored), record.timestamp());
        }
        if (annotate) {
            RgbImage image = input.stored();
            byte[] jpeg = FrameAnnotator.annotate(image, frame.frameWidth(), frame.frameHeight(), detections);
            emitImage(new ImageFrame(frame.streamId(), frame.sequence(), frame.timestampMicros(), image.width(),
                    image.height(), false, jpeg), new RecordHeaders(),
                    record.timestamp(), VisionTopology.ANNOTATED);
        }
    }

    private void emitImage(ImageFrame image, Headers headers, long timestamp, String output) {
        imageFrames.writeHeaders(image, headers);
        emit(new Record<>(image.streamId(), image.jpeg(), timestamp, headers), output);
    }

    /** The camera's end marker was dead-lettered: the stream's detections end all the same. */
    @Override
    protected void endStream(Record<String, byte[]> last) {
        end(last, last.key(), longOr(last.headers(), SEQUENCE, 0));
    }

    private void end(Record<String, byte[]> in, String stream, long frames) {
        emit(new Record<>(stream, JsonRecords.write(DetectionsEnd.of(stream, frames)), in.timestamp()));
        if (tracking != null) {
            say(stream, tracking.end(stream, frames, in.timestamp()), in.timestamp());
        }
    }

    /** Snapshots go out before the events that end their objects, so that a reader of both has one when it ends. */
    private void say(String camera, CameraTrackers.Said said, long timestamp) {
        for (TrackSnapshots.Snapshot snapshot : said.snapshots()) {
            Headers headers = new RecordHeaders();
            put(headers, TRACK_ID, snapshot.trackId());
            put(headers, LABEL, snapshot.label());
            put(headers, SCORE, Double.toString(snapshot.score()));
            emitImage(snapshot.frame(), headers, timestamp, VisionTopology.SNAPSHOTS);
        }
        for (Object event : said.events()) {
            emit(new Record<>(camera, JsonRecords.write(event), timestamp), VisionTopology.EVENTS);
        }
    }
}
