package io.sensorium.processors.vision;

import ai.onnxruntime.OrtSession;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.Detection;
import io.sensorium.processors.onnx.RunBatcher;
import io.sensorium.processors.vision.model.ModelOutputs;
import io.sensorium.processors.vision.model.PixelBatch;
import io.sensorium.processors.vision.model.PixelInput;
import io.sensorium.processors.vision.model.VisionModel;
import io.sensorium.processors.vision.model.VisionPostProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The vision stage's view of its model: a frame's input in, its detections out, the frames of several cameras that
 * the stage's stream threads have ready at once run through the graph in one call (DeepStream's batched inference;
 * {@code vision.batch-size}, {@code vision.batch-wait-ms}), up to {@code vision.parallel-runs} runs at once. Frames
 * batch with others of their input size only, which cameras of one resolution share.
 */
final class FrameDetector {
    private final VisionModel model;
    private final VisionPostProcessor postProcessor;
    private final RunBatcher<Frame, List<Detection>> batcher;
    /**
     * Input memory of the runs not running: a run takes one and gives it back, so that there are as many as runs
     * have been at once (vision.parallel-runs at most), each kept from run to run.
     */
    private final Queue<PixelBatch> idleMemory = new ConcurrentLinkedQueue<>();

    /** A frame's model input, and the size its boxes are scaled to. */
    private record Frame(PixelInput input, int width, int height) {}

    private record Shape(int height, int width) {}

    /** @param streamThreads the stage's stream threads: how many frames could be ready at once */
    FrameDetector(VisionModel model, VisionPostProcessor postProcessor, SensoriumConfig.Vision vision,
                  int streamThreads) {
        this.model = model;
        this.postProcessor = postProcessor;
        this.batcher = new RunBatcher<>(frame -> new Shape(frame.input().height(), frame.input().width()), this::detect,
                "sensorium.vision.batch.size", vision.batchSize(), vision.batchWaitMs(), vision.parallelRuns(),
                streamThreads);
    }

    VisionPostProcessor postProcessor() {
        return postProcessor;
    }

    VisionModel model() {
        return model;
    }

    /**
     * @param frameWidth  the camera frame's width, which boxes are scaled to
     * @param frameHeight its height
     */
    List<Detection> detect(PixelInput input, int frameWidth, int frameHeight) {
        return batcher.run(new Frame(input, frameWidth, frameHeight));
    }

    private List<List<Detection>> detect(List<Frame> frames) {
        PixelInput first = frames.get(0).input();
        PixelBatch memory = Objects.requireNonNullElseGet(idleMemory.poll(), PixelBatch::new);
        try (OrtSession.Result result = model.run(frames.stream().map(frame -> frame.input().chw()).toList(),
                first.height(), first.width(), memory)) {
            List<List<Detection>> detections = new ArrayList<>(frames.size());
            for (int i = 0; i < frames.size(); i++) {
                Frame frame = frames.get(i);
                detections.add(postProcessor.process(new ModelOutputs(result, i), frame.width(), frame.height()));
            }
            return detections;
        } finally {
            idleMemory.add(memory);
        }
    }
}
