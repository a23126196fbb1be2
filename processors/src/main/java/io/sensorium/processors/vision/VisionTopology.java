package io.sensorium.processors.vision;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StageTopology;
import io.sensorium.processors.vision.model.VisionModel;
import io.sensorium.processors.vision.model.VisionPostProcessor;
import java.util.List;
import org.apache.kafka.streams.Topology;

/** The vision processor: pixels topic -> model -> detections topic (JSON), and the annotated topic when asked. */
public final class VisionTopology {
    public static final String STAGE = "vision";
    static final String ANNOTATED = "annotated";

    private VisionTopology() {}

    /** All tasks share {@code model}: one ONNX Runtime session per model per JVM. */
    public static Topology build(SensoriumConfig config, VisionModel model) {
        SensoriumConfig.Vision vision = config.vision();
        VisionPostProcessor postProcessor = model.postProcessor(vision.scoreThreshold(), vision.topK());
        Topology topology = StageTopology.build(STAGE, config.topics().pixels(), config.topics().detections(),
                config.topics().deadLetters(),
                () -> new VisionProcessor(model, postProcessor, vision.maxRecordBytes(), vision.annotate()), List.of());
        if (vision.annotate()) {
            StageTopology.addOutput(topology, STAGE, ANNOTATED, config.topics().annotated());
        }
        return topology;
    }
}
