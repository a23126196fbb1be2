package io.sensorium.processors.vision.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.sensorium.core.records.Detection;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The random-weight DETR, YOLOS and ViT exports run here give PyTorch's outputs for the same input, and the
 * post-processing gives what transformers' image processors return for those outputs.
 */
class VisionModelParityTest {
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"detr-tiny-random", "yolos-tiny-random"})
    void detectorsMatchPyTorchAndTransformersPostProcessing(String name) throws Exception {
        JsonNode reference = VisionFixtures.reference(name);
        JsonNode input = reference.path("parity").path("inputs");
        int height = input.path("pixel_values").path("shape").get(2).asInt();
        int width = input.path("pixel_values").path("shape").get(3).asInt();
        float[] pixels = VisionFixtures.floats(name, input.path("pixel_values").path("file").asText());
        long[] mask = parityMask(input.path("pixel_mask"), height, width);
        try (VisionModel model = VisionFixtures.load(name);
             OrtSession.Result result = model.run(pixels, mask, height, width)) {
            assertThat(model.task()).isEqualTo(VisionModel.Task.OBJECT_DETECTION);
            assertClose(result, "logits", VisionFixtures.floats(name, "parity.logits.f32"));
            assertClose(result, "pred_boxes", VisionFixtures.floats(name, "parity.pred_boxes.f32"));

            JsonNode post = reference.path("postprocess");
            int targetHeight = post.path("target_size").get(0).asInt();
            int targetWidth = post.path("target_size").get(1).asInt();
            List<Detection> detections = model.postProcessor(post.path("threshold").asDouble(), 0)
                    .process(new ModelOutputs(result), targetWidth, targetHeight);
            float[] scores = VisionFixtures.floats(name, post.path("scores").path("file").asText());
            float[] boxes = VisionFixtures.floats(name, post.path("boxes").path("file").asText());
            // transformers keeps query order; the record lists best first.
            Integer[] order = IntStream.range(0, scores.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed()).toArray(Integer[]::new);
            assertThat(detections).hasSize(post.path("count").asInt());
            for (int k = 0; k < order.length; k++) {
                int i = order[k];
                Detection d = detections.get(k);
                assertThat(d.labelId()).isEqualTo(post.path("labels").get(i).asInt());
                assertThat(d.label()).isEqualTo(post.path("label_names").get(i).asText());
                assertThat(d.score()).isCloseTo(scores[i], within(TOLERANCE));
                for (int c = 0; c < 4; c++) {
                    // boxes are pixels of a 451-wide image: 1e-4 of the relative box is 0.05 px
                    assertThat(d.box().get(c)).isCloseTo(boxes[i * 4 + c], within(0.05));
                }
            }
        }
    }

    @Test
    void classifierMatchesPyTorchAndTopFive() throws Exception {
        String name = "vit-tiny-random";
        JsonNode reference = VisionFixtures.reference(name);
        float[] pixels = VisionFixtures.floats(name,
                reference.path("parity").path("inputs").path("pixel_values").path("file").asText());
        try (VisionModel model = VisionFixtures.load(name); OrtSession.Result result = model.run(pixels, 224, 224)) {
            assertThat(model.task()).isEqualTo(VisionModel.Task.IMAGE_CLASSIFICATION);
            assertClose(result, "logits", VisionFixtures.floats(name, "parity.logits.f32"));
            JsonNode post = reference.path("postprocess");
            List<Detection> top = model.postProcessor(0.5, post.path("k").asInt()).process(new ModelOutputs(result), 451, 300);
            assertThat(top.stream().map(Detection::labelId).toList())
                    .isEqualTo(StreamSupport.stream(post.path("labels").spliterator(), false).map(JsonNode::asInt).toList());
            for (int k = 0; k < top.size(); k++) {
                assertThat(top.get(k).score()).isCloseTo(post.path("scores").get(k).asDouble(), within(TOLERANCE));
                assertThat(top.get(k).label()).isEqualTo(post.path("label_names").get(k).asText());
                assertThat(top.get(k).box()).isNull();
            }
        }
    }

    private static long[] parityMask(JsonNode mask, int height, int width) {
        long[] values = new long[height * width];
        if (mask.isMissingNode()) {
            Arrays.fill(values, 1);
            return values;
        }
        // "1 on [:, :h, :w], 0 elsewhere", as the manifest describes it
        String content = mask.path("content").asText();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(":(\\d+), :(\\d+)]").matcher(content);
        assertThat(m.find()).as("mask description: " + content).isTrue();
        int h = Integer.parseInt(m.group(1));
        int w = Integer.parseInt(m.group(2));
        for (int y = 0; y < h; y++) {
            Arrays.fill(values, y * width, y * width + w, 1);
        }
        return values;
    }

    private static void assertClose(OrtSession.Result result, String output, float[] expected) {
        FloatBuffer actual = ((ai.onnxruntime.OnnxTensor) result.get(output).orElseThrow()).getFloatBuffer();
        assertThat(actual.remaining()).isEqualTo(expected.length);
        double worst = 0;
        for (float e : expected) {
            worst = Math.max(worst, Math.abs(actual.get() - e));
        }
        assertThat(worst).as(output + " max abs error vs PyTorch").isLessThanOrEqualTo(TOLERANCE);
    }
}
