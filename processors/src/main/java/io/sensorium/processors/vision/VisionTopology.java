package io.sensorium.processors.vision;

import io.sensorium.core.config.ConfigException;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StageTopology;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.processors.vision.model.VisionModel;
import io.sensorium.processors.vision.model.VisionPostProcessor;
import io.sensorium.processors.vision.track.ByteTracker;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The vision processor: pixels topic -> model -> detections topic (JSON), and the annotated topic when asked; object
 * detections get track ids (vision.tracking), each camera's tracker in a state store.
 */
public final class VisionTopology {
    public static final String STAGE = "vision";
    static final String ANNOTATED = "annotated";
    static final String EVENTS = "events";
    static final String TRACKER_STORE = "vision-trackers";
    static final String EVENT_STORE = "vision-track-events";

    private VisionTopology() {}

    /** All tasks share {@code model}: one ONNX Runtime session per model per JVM. */
    public static Topology build(SensoriumConfig config, VisionModel model) {
        SensoriumConfig.Vision vision = config.vision();
        VisionPostProcessor postProcessor = model.postProcessor(vision.scoreThreshold(), vision.topK());
        Function<ProcessorContext<String, byte[]>, CameraTrackers> trackers = null;
        List<StoreBuilder<?>> stores = List.of();
        boolean events = false;
        if (vision.tracking().enabled() && postProcessor.task().equals(FrameDetections.OBJECT_DETECTION)) {
            ByteTracker.Options options = trackerOptions(vision.tracking());
            // The tracker sees the weak detections too: it keeps those a track takes (an object partly hidden).
            postProcessor = model.postProcessor(Math.min(vision.scoreThreshold(), ByteTracker.LOW_SCORE), vision.topK());
            boolean withEvents = vision.events().enabled();
            trackers = context -> new CameraTrackers(context.getStateStore(TRACKER_STORE), options,
                    vision.scoreThreshold(), withEvents
                            ? new TrackEvents(context.getStateStore(EVENT_STORE), vision.events().updateSeconds())
                            : null);
            stores = withEvents ? List.of(store(TRACKER_STORE), store(EVENT_STORE)) : List.of(store(TRACKER_STORE));
            events = withEvents;
        }
        long maxLagMs = vision.liveFrames().equals(SensoriumConfig.Vision.LATEST)
                ? Math.round(vision.liveMaxLagSeconds() * 1000) : Long.MAX_VALUE;
        VisionPostProcessor chosen = postProcessor;
        Function<ProcessorContext<String, byte[]>, CameraTrackers> tracking = trackers;
        Topology topology = StageTopology.build(STAGE, config.topics().pixels(), config.topics().detections(),
                config.topics().deadLetters(),
                () -> new VisionProcessor(model, chosen, vision.maxRecordBytes(), vision.annotate(), maxLagMs, tracking),
                stores);
        if (vision.annotate()) {
            StageTopology.addOutput(topology, STAGE, ANNOTATED, config.topics().annotated());
        }
        if (events) {
            StageTopology.addOutput(topology, STAGE, EVENTS, config.topics().events());
        }
        return topology;
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> store(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray());
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
