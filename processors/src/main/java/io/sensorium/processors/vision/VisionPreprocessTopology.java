package io.sensorium.processors.vision;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StageTopology;
import io.sensorium.processors.vision.model.ImageProcessorConfig;
import io.sensorium.processors.vision.model.PixelPreparer;
import io.sensorium.processors.vision.model.VisionModel;
import java.util.List;
import org.apache.kafka.streams.Topology;

/** The vision preprocessor: frames topic -> the model's pixel input -> pixels topic. */
public final class VisionPreprocessTopology {
    public static final String STAGE = "vision-preprocess";

    private VisionPreprocessTopology() {}

    /** @param processor the model's preprocessing ({@link VisionModel#processorConfig(java.nio.file.Path)}) */
    public static Topology build(SensoriumConfig config, ImageProcessorConfig processor, String modelName) {
        int maxBytes = config.vision().maxRecordBytes();
        return StageTopology.build(STAGE, config.topics().frames(), config.topics().pixels(), config.topics().deadLetters(),
                () -> new VisionPreprocessor(new PixelPreparer(processor, modelName, maxBytes), maxBytes,
                        new LateFrames(STAGE, config.vision())), List.of());
    }
}
