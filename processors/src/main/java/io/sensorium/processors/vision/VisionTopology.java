package io.sensorium.processors.vision;

import io.sensorium.core.config.ConfigException;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StageTopology;
import io.sensorium.core.kafka.StateStores;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.processors.vision.model.VisionModel;
import io.sensorium.processors.vision.model.VisionPostProcessor;
import io.sensorium.processors.vision.track.ByteTracker;
import io.sensorium.processors.vision.track.Zone;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The vision processor: pixels topic -> model -> detections topic (JSON), and the annotated topic when asked; object
 * detections get track ids (vision.tracking), each camera's tracker in a state store, and their events (new, update,
 * end, zones entered and left) and best frames go to the events and snapshots topics where asked for.
 */
public final class VisionTopology {
    public static final String STAGE = "vision";
    static final String ANNOTATED = "annotated";
    static final String EVENTS = "events";
    static final String TRACKER_STORE = "vision-trackers";
    static final String EVENT_STORE = "vision-track-events";
    static final String SNAPSHOTS = "snapshots";
    static final String SNAPSHOT_STORE = "vision-track-snapshots";

    private VisionTopology() {}

    /**
     * All tasks share {@code model}: one ONNX Runtime session per model per JVM, and one batcher over it for the
     * topology's stream threads.
     */
    public static Topology build(SensoriumConfig config, VisionModel model) {
        SensoriumConfig.Vision vision = config.vision();
        VisionPostProcessor postProcessor = model.postProcessor(vision.scoreThreshold(), vision.topK());
        Function<ProcessorContext<String, byte[]>, CameraTrackers> trackers = null;
        List<StoreBuilder<?>> stores = new ArrayList<>();
        boolean tracked = vision.tracking().enabled() && postProcessor.task().equals(FrameDetections.OBJECT_DETECTION);
        boolean events = tracked && vision.events().enabled();
        boolean snapshots = events && vision.events().snapshots();
        if (tracked) {
            ByteTracker.Options options = trackerOptions(vision.tracking());
            // The tracker sees the weak detections too: it keeps those a track takes (an object partly hidden).
            postProcessor = model.postProcessor(Math.min(vision.scoreThreshold(), ByteTracker.LOW_SCORE), vision.topK());
            Map<String, List<Zone>> zones = new HashMap<>();
            vision.zones().forEach((camera, polygons) -> zones.put(camera, Zone.of(polygons)));
            trackers = context -> new CameraTrackers(context.getStateStore(TRACKER_STORE), options,
                    vision.scoreThreshold(),
                    events ? new TrackEvents(context.getStateStore(EVENT_STORE), vision.events().updateSeconds(), zones)
                            : null,
                    snapshots ? new TrackSnapshots(context.getStateStore(SNAPSHOT_STORE)) : null);
            stores.add(StateStores.keyValue(TRACKER_STORE, config.kafka()));
            if (events) {
                stores.add(StateStores.keyValue(EVENT_STORE, config.kafka()));
            }
            if (snapshots) {
                stores.add(StateStores.keyValue(SNAPSHOT_STORE, config.kafka()));
            }
        }
        FrameDetector detector = new FrameDetector(model, postProcessor, vision,
                Math.max(1, config.kafka().streamThreads()));
        Function<ProcessorContext<String, byte[]>, CameraTrackers> tracking = trackers;
        Topology topology = StageTopology.build(STAGE, config.topics().pixels(), config.topics().detections(),
                config.topics().deadLetters(),
                () -> new VisionProcessor(detector, vision.maxRecordBytes(), vision.annotate(),
                        new LateFrames(STAGE, vision), tracking),
                stores);
        if (vision.annotate()) {
            StageTopology.addOutput(topology, STAGE, ANNOTATED, config.topics().annotated());
        }
        if (events) {
            StageTopology.addOutput(topology, STAGE, EVENTS, config.topics().events());
        }
        if (snapshots) {
            StageTopology.addOutput(topology, STAGE, SNAPSHOTS, config.topics().snapshots());
        }
        return topology;
    }

    private static ByteTracker.Options trackerOptions(SensoriumConfig.Tracking tracking) {
        try {
            return new ByteTracker.Options(tracking.activationThreshold(), tracking.lostTrackBuffer(),
                    tracking.minimumMatchingThreshold(), tracking.frameRate(), tracking.minimumConsecutiveFrames());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("vision.tracking: " + e.getMessage(), "vision.tracking");
        }
    }
}
