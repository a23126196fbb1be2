package io.sensorium.processors.vision.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorium.core.records.PixelNormalization;
import io.sensorium.processors.onnx.ModelException;
import java.nio.file.Path;
import java.util.Set;

/**
 * What a model's preprocessor_config.json asks of an image, as the Hugging Face image processors read it: the size
 * rule, the resampling filter, rescale and normalisation. Both the current layout ({@code size: {shortest_edge,
 * longest_edge}} or {@code {height, width}}) and the older feature-extractor one ({@code size: 800, max_size: 1333})
 * that Xenova's exports still carry are understood.
 *
 * @param resize    the size rule, or null when the processor does not resize
 * @param filter    Pillow's filter for the resize
 * @param normalization rescale and per-channel normalisation (identity parts where the config turns them off)
 */
public record ImageProcessorConfig(SizeRule resize, PillowResize.Filter filter, PixelNormalization normalization) {
    private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
    /** Model types whose processors read a bare {@code size: N} as the shortest edge rather than a square. */
    /** YOLOS's processor makes both sides a multiple of its patch size. */
    private static final int YOLOS_PATCH = 16;
    private static final Set<String> SHORTEST_EDGE_TYPES = Set.of("detr", "yolos", "conditional_detr", "deformable_detr");

    /** How the processor picks the resized size from the image's. */
    public sealed interface SizeRule permits Fixed, ShortestEdge {
        /** @return {height, width} */
        int[] apply(int height, int width);
    }

    /** Every image becomes height x width (ViT: 224 x 224). */
    public record Fixed(int height, int width) implements SizeRule {
        @Override
        public int[] apply(int h, int w) {
            return new int[] {height, width};
        }
    }

    /**
     * The shorter side becomes {@code shortest}, the aspect ratio kept, unless the longer side would pass
     * {@code longest} (0: no limit); then the longer side becomes {@code longest} (DETR: 800 / 1333). YOLOS then
     * rounds both sides down to a multiple of its 16-pixel patches ({@code multipleOf}; 1 for none).
     */
    public record ShortestEdge(int shortest, int longest, int multipleOf) implements SizeRule {
        @Override
        public int[] apply(int height, int width) {
            // transformers' get_size_with_aspect_ratio, its roundings included.
            int size = shortest;
            Double rawSize = null;
            if (longest > 0) {
                double min = Math.min(height, width);
                double max = Math.max(height, width);
                if (max / min * size > longest) {
                    rawSize = longest * min / max;
                    size = (int) Math.rint(rawSize); // Python rounds halves to even
                }
            }
            int[] out;
            if ((height <= width && height == size) || (width <= height && width == size)) {
                out = new int[] {height, width};
            } else if (width < height) {
                int oh = rawSize != null ? (int) (rawSize * height / width) : (int) ((double) size * height / width);
                out = new int[] {oh, size};
            } else {
                int ow = rawSize != null ? (int) (rawSize * width / height) : (int) ((double) size * width / height);
                out = new int[] {size, ow};
            }
            return new int[] {out[0] - out[0] % multipleOf, out[1] - out[1] % multipleOf};
        }
    }

    /** @param modelType config.json's {@code model_type}, which decides how a bare {@code size: N} is read */
    public static ImageProcessorConfig parse(JsonNode config, String modelType, Path file) {
        SizeRule resize = config.path("do_resize").asBoolean(true) ? sizeRule(config, modelType, file) : null;
        int resample = config.path("resample").asInt(2);
        PillowResize.Filter filter = PillowResize.Filter.byPillowId(resample);
        if (filter == null) {
            throw new ModelException(file + " asks for resample " + resample
                    + "; supported: 2 (bilinear) and 3 (bicubic)");
        }
        double scale = config.path("do_rescale").asBoolean(true) ? config.path("rescale_factor").asDouble(1 / 255.0) : 1;
        double[] mean = {0, 0, 0};
        double[] std = {1, 1, 1};
        if (config.path("do_normalize").asBoolean(true)) {
            mean = triple(config.path("image_mean"), IMAGENET_MEAN, "image_mean", file);
            std = triple(config.path("image_std"), IMAGENET_STD, "image_std", file);
        }
        try {
            return new ImageProcessorConfig(resize, filter, new PixelNormalization(scale, mean, std));
        } catch (IllegalArgumentException e) {
            throw new ModelException(file + ": " + e.getMessage(), e);
        }
    }

    /** @return {height, width} of the model input for an image of this size */
    public int[] inputSize(int height, int width) {
        return resize == null ? new int[] {height, width} : resize.apply(height, width);
    }

    private static SizeRule sizeRule(JsonNode config, String modelType, Path file) {
        JsonNode size = config.path("size");
        int multipleOf = modelType.equals("yolos") ? YOLOS_PATCH : 1;
        if (size.isInt()) {
            int maxSize = config.path("max_size").asInt(0);
            if (maxSize > 0 || SHORTEST_EDGE_TYPES.contains(modelType)) {
                return new ShortestEdge(size.asInt(), maxSize, multipleOf);
            }
            return new Fixed(size.asInt(), size.asInt());
        }
        if (size.has("height") && size.has("width")) {
            return new Fixed(positive(size, "height", file), positive(size, "width", file));
        }
        if (size.has("shortest_edge")) {
            int longest = size.path("longest_edge").asInt(config.path("max_size").asInt(0));
            return new ShortestEdge(positive(size, "shortest_edge", file), longest, multipleOf);
        }
        throw new ModelException(file + " has a size rule this build does not read: " + size
                + " (supported: {height, width}, {shortest_edge[, longest_edge]}, or a number)");
    }

    private static int positive(JsonNode node, String field, Path file) {
        int value = node.path(field).asInt(0);
        if (value <= 0) {
            throw new ModelException(file + ": size." + field + " must be a positive number");
        }
        return value;
    }

    private static double[] triple(JsonNode node, double[] fallback, String field, Path file) {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (node.isNumber()) {
            return new double[] {node.asDouble(), node.asDouble(), node.asDouble()};
        }
        if (!node.isArray() || node.size() != 3) {
            throw new ModelException(file + ": " + field + " must be one number or three, not " + node);
        }
        return new double[] {node.get(0).asDouble(), node.get(1).asDouble(), node.get(2).asDouble()};
    }
}
