package io.sensorium.processors.vision.model;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.FrameDetections;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Set-prediction detection heads (DETR, YOLOS): each query gives class logits with a last "no object" class and a
 * box (centre x, centre y, width, height, relative to the image). As transformers' {@code
 * post_process_object_detection}: softmax over all classes, the best real class and its probability, kept when
 * above the threshold; boxes to corners in the original frame's pixels. No NMS: the set loss already makes the
 * queries predict distinct objects.
 */
final class DetrPostProcessor implements VisionPostProcessor {
    private final Labels labels;
    private final double threshold;

    DetrPostProcessor(Labels labels, double threshold) {
        this.labels = labels;
        this.threshold = threshold;
    }

    @Override
    public String task() {
        return FrameDetections.OBJECT_DETECTION;
    }

    @Override
    public Set<String> outputs() {
        return Set.of("logits", "pred_boxes");
    }

    @Override
    public List<Detection> process(ModelOutputs outputs, int frameWidth, int frameHeight) {
        float[][] logits = outputs.matrix("logits", labels.count() + 1);
        float[][] boxes = outputs.matrix("pred_boxes", 4);
        if (boxes.length != logits.length) {
            throw new ModelOutputException("the model gave " + logits.length + " class rows but " + boxes.length + " boxes");
        }
        List<Detection> detections = new ArrayList<>();
        for (int q = 0; q < logits.length; q++) {
            double[] p = ModelOutputs.softmax(logits[q]);
            int best = 0;
            for (int c = 1; c < labels.count(); c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            if (p[best] > threshold) {
                float[] b = boxes[q];
                detections.add(new Detection(labels.name(best), best, p[best], List.of(
                        (b[0] - 0.5 * b[2]) * frameWidth, (b[1] - 0.5 * b[3]) * frameHeight,
                        (b[0] + 0.5 * b[2]) * frameWidth, (b[1] + 0.5 * b[3]) * frameHeight)));
            }
        }
        detections.sort(Comparator.comparingDouble(Detection::score).reversed());
        return detections;
    }
}
