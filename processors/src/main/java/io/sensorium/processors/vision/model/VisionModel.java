package io.sensorium.processors.vision.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.sensorium.processors.onnx.ModelException;
import io.sensorium.processors.onnx.ModelFiles;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A vision model directory in the Hugging Face ONNX layout of the Hub's Xenova / onnx-community exports:
 * onnx/model.onnx, config.json ({@code model_type}, {@code id2label}), preprocessor_config.json. The task — object
 * detection or image classification — and so the post-processing follow from config.json. Loading checks the
 * graph's inputs and outputs against the configs, so a wrong model fails here with its file named. The session is
 * safe to run from several threads at once.
 */
public final class VisionModel implements AutoCloseable {
    static final String GRAPH = "onnx/model.onnx";
    private static final String PIXEL_VALUES = "pixel_values";
    private static final String PIXEL_MASK = "pixel_mask";
    /** Model types whose heads {@link DetrPostProcessor} reads. */
    private static final Set<String> SET_PREDICTION = Set.of("detr", "yolos");

    /**
     * @param intraOpThreads ONNX Runtime intra-op threads
     * @param cudaDevice     the CUDA device to run on, or -1 for the CPU
     */
    public record Options(int intraOpThreads, int cudaDevice) {
        public static Options forDevice(String device, int intraOpThreads) {
            return new Options(intraOpThreads, ModelFiles.cudaDevice(device));
        }
    }

    /** What the head is, from config.json. */
    public enum Task {
        OBJECT_DETECTION,
        IMAGE_CLASSIFICATION
    }

    private final ModelFiles files;
    private final String modelType;
    private final Task task;
    private final Labels labels;
    private final ImageProcessorConfig processor;
    private final OrtSession session;
    private final boolean takesMask;

    public static VisionModel load(Path dir, Options options) {
        return new VisionModel(dir, options);
    }

    /**
     * The preprocessing half of a model directory: what the preprocessor stage needs, without loading the graph.
     */
    public static ImageProcessorConfig processorConfig(Path dir) {
        try (ModelFiles files = new ModelFiles(dir, 1, -1)) {
            return readProcessor(files, files.json("config.json").path("model_type").asText());
        }
    }

    private VisionModel(Path dir, Options options) {
        this.files = new ModelFiles(dir, options.intraOpThreads(), options.cudaDevice());
        try {
            JsonNode config = files.json("config.json");
            this.modelType = config.path("model_type").asText();
            this.task = task(config);
            this.labels = Labels.parse(config, dir.resolve("config.json"));
            this.processor = readProcessor(files, modelType);
            this.session = files.session(GRAPH);
            this.takesMask = session.getInputNames().contains(PIXEL_MASK);
            validate();
        } catch (RuntimeException e) {
            files.close();
            throw e;
        }
    }

    private static ImageProcessorConfig readProcessor(ModelFiles files, String modelType) {
        return ImageProcessorConfig.parse(files.json("preprocessor_config.json"), modelType,
                files.dir().resolve("preprocessor_config.json"));
    }

    private Task task(JsonNode config) {
        String architectures = config.path("architectures").toString();
        if (SET_PREDICTION.contains(modelType)) {
            return Task.OBJECT_DETECTION;
        }
        if (architectures.contains("ForImageClassification")) {
            return Task.IMAGE_CLASSIFICATION;
        }
        throw new ModelException(files.dir().resolve("config.json") + ": model_type '" + modelType + "' ("
                + architectures + ") has no post-processing here; supported: object detection with "
                + SET_PREDICTION + ", and image classification (architectures *ForImageClassification)");
    }

    private void validate() {
        Set<String> inputs = new TreeSet<>(Set.of(PIXEL_VALUES));
        if (takesMask) {
            inputs.add(PIXEL_MASK);
        }
        Set<String> outputs = task == Task.OBJECT_DETECTION ? Set.of("logits", "pred_boxes") : Set.of("logits");
        files.expect(session, GRAPH, inputs, outputs, "model_type " + modelType);
        long height = -1;
        long width = -1;
        if (processor.resize() instanceof ImageProcessorConfig.Fixed fixed) {
            height = fixed.height();
            width = fixed.width();
        }
        files.expectShape(session, GRAPH, PIXEL_VALUES, true, new long[] {-1, 3, height, width},
                "preprocessor_config.json's size");
        if (task == Task.OBJECT_DETECTION) {
            files.expectShape(session, GRAPH, "logits", false, new long[] {-1, -1, labels.count() + 1},
                    "id2label (" + labels.count() + " labels + no-object)");
            files.expectShape(session, GRAPH, "pred_boxes", false, new long[] {-1, -1, 4}, "box format");
        } else {
            files.expectShape(session, GRAPH, "logits", false, new long[] {-1, labels.count()},
                    "id2label (" + labels.count() + " labels)");
        }
    }

    /** The post-processing for this model's head. */
    public VisionPostProcessor postProcessor(double scoreThreshold, int topK) {
        return task == Task.OBJECT_DETECTION
                ? new DetrPostProcessor(labels, scoreThreshold)
                : new ClassificationPostProcessor(labels, topK);
    }

    /**
     * Runs the graph on one image.
     *
     * @param chw {@code 3 x height x width} normalised values, channel-first
     * @return the raw outputs; the caller closes them
     */
    public OrtSession.Result run(float[] chw, int height, int width) {
        return run(List.of(chw), height, width);
    }

    /**
     * Runs the graph on a batch of images of one size, in one call.
     *
     * @param images each {@code 3 x height x width} normalised values, channel-first
     * @return the raw outputs, image {@code i} at batch index {@code i} ({@link ModelOutputs#ModelOutputs(
     *         OrtSession.Result, int)}); the caller closes them
     */
    public OrtSession.Result run(List<float[]> images, int height, int width) {
        FloatBuffer pixels = FloatBuffer.allocate(images.size() * 3 * height * width);
        long[] ones = new long[images.size() * height * width];
        Arrays.fill(ones, 1);
        return run(fill(pixels, images, height, width), LongBuffer.wrap(ones), images.size(), height, width);
    }

    /** As {@link #run(List, int, int)}, in memory the caller keeps for its next batch. */
    public OrtSession.Result run(List<float[]> images, int height, int width, PixelBatch memory) {
        FloatBuffer pixels = memory.pixels(images.size() * 3 * height * width);
        return run(fill(pixels, images, height, width), memory.ones(images.size() * height * width), images.size(),
                height, width);
    }

    private static FloatBuffer fill(FloatBuffer pixels, List<float[]> images, int height, int width) {
        for (float[] chw : images) {
            checkSize(chw.length, 3 * height * width, height, width);
            pixels.put(chw);
        }
        return pixels.flip();
    }

    /**
     * @param mask {@code height x width}: 1 where the input is image, 0 where it is padding (graphs without a
     *             pixel_mask input ignore it)
     */
    OrtSession.Result run(float[] chw, long[] mask, int height, int width) {
        checkSize(chw.length, 3 * height * width, height, width);
        checkSize(mask.length, height * width, height, width);
        return run(FloatBuffer.wrap(chw), LongBuffer.wrap(mask), 1, height, width);
    }

    private static void checkSize(int values, int expected, int height, int width) {
        if (values != expected) {
            throw new IllegalArgumentException(values + " values are not a 3x" + height + "x" + width + " input or its"
                    + " mask");
        }
    }

    private OrtSession.Result run(FloatBuffer pixels, LongBuffer mask, int batch, int height, int width) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put(PIXEL_VALUES, OnnxTensor.createTensor(env, pixels, new long[] {batch, 3, height, width}));
            if (takesMask) {
                feeds.put(PIXEL_MASK, OnnxTensor.createTensor(env, mask, new long[] {batch, height, width}));
            }
            return session.run(feeds);
        } catch (OrtException e) {
            throw new ModelOutputException("ONNX Runtime failed on " + batch + " " + width + "x" + height + " input(s) of "
                    + files.dir() + ": " + e.getMessage());
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    public String name() {
        return files.dir().getFileName().toString();
    }

    public Task task() {
        return task;
    }

    Labels labels() {
        return labels;
    }

    public ImageProcessorConfig processorConfig() {
        return processor;
    }

    @Override
    public void close() {
        files.close();
    }
}
