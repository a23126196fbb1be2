package io.sensorium.processors.vision.model;

import io.sensorium.core.records.Detection;
import java.util.List;
import java.util.Set;

/**
 * Turns a vision graph's raw outputs into labelled results for one frame. One implementation per head family:
 * {@link DetrPostProcessor} (set prediction: DETR, YOLOS), {@link ClassificationPostProcessor} (ViT and other
 * image classifiers); RT-DETR or YOLO-style heads with NMS would be their own classes, picked in
 * {@link VisionModel}.
 */
public interface VisionPostProcessor {
    /** {@code object-detection} or {@code image-classification}, as the detections record says. */
    String task();

    /** The outputs the graph must give. */
    Set<String> outputs();

    /**
     * @param frameWidth  the original frame's width: boxes are scaled to it
     * @param frameHeight the original frame's height
     * @return best score first
     * @throws ModelOutputException when the outputs do not fit the model's config
     */
    List<Detection> process(ModelOutputs outputs, int frameWidth, int frameHeight);
}
