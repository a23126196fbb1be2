package io.sensorium.processors.vision.model;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.FrameDetections;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/** Image classification heads (ViT and the like): softmax over the labels, the top k. */
final class ClassificationPostProcessor implements VisionPostProcessor {
    private final Labels labels;
    private final int topK;

    ClassificationPostProcessor(Labels labels, int topK) {
        this.labels = labels;
        this.topK = topK;
    }

    @Override
    public String task() {
        return FrameDetections.IMAGE_CLASSIFICATION;
    }

    @Override
    public Set<String> outputs() {
        return Set.of("logits");
    }

    @Override
    public List<Detection> process(ModelOutputs outputs, int frameWidth, int frameHeight) {
        double[] p = ModelOutputs.softmax(outputs.vector("logits", labels.count()));
        List<Detection> top = new ArrayList<>();
        IntStream.range(0, p.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> p[i]).reversed())
                .limit(topK)
                .forEach(i -> top.add(new Detection(labels.name(i), i, p[i], null)));
        return top;
    }
}
