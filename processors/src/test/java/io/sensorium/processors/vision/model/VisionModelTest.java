package io.sensorium.processors.vision.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorium.core.records.Detection;
import io.sensorium.processors.onnx.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model directories that do not fit together fail to load with the file named; outputs that do not fit, per frame;
 * batches give each image what it gets alone.
 */
class VisionModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMissingGraphIsNamed(@TempDir Path dir) throws IOException {
        Path copy = copy("detr-tiny-random", dir);
        Files.delete(copy.resolve(VisionModel.GRAPH));
        assertThatThrownBy(() -> VisionModel.load(copy, new VisionModel.Options(1, -1)))
                .isInstanceOf(ModelException.class).hasMessageContaining("lacks onnx/model.onnx");
    }

    @Test
    void labelsThatDoNotFitTheGraphAreRefused(@TempDir Path dir) throws IOException {
        Path copy = copy("detr-tiny-random", dir);
        editConfig(copy, config -> config.put("num_labels", 91));
        assertThatThrownBy(() -> VisionModel.load(copy, new VisionModel.Options(1, -1)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("onnx/model.onnx has output logits of shape [-1, -1, 6]")
                .hasMessageContaining("id2label (91 labels + no-object)");
    }

    @Test
    void aViTWhoseSizeDisagreesWithItsPreprocessorIsRefused(@TempDir Path dir) throws IOException {
        Path copy = copy("vit-tiny-random", dir);
        ObjectNode processor = (ObjectNode) JSON.readTree(copy.resolve("preprocessor_config.json").toFile());
        processor.putObject("size").put("height", 384).put("width", 384);
        JSON.writeValue(copy.resolve("preprocessor_config.json").toFile(), processor);
        assertThatThrownBy(() -> VisionModel.load(copy, new VisionModel.Options(1, -1)))
                .isInstanceOf(ModelException.class).hasMessageContaining("pixel_values");
    }

    @Test
    void anUnsupportedHeadIsNamed(@TempDir Path dir) throws IOException {
        Path copy = copy("detr-tiny-random", dir);
        editConfig(copy, config -> config.put("model_type", "rt_detr").putArray("architectures").add("RTDetrForObjectDetection"));
        assertThatThrownBy(() -> VisionModel.load(copy, new VisionModel.Options(1, -1)))
                .isInstanceOf(ModelException.class).hasMessageContaining("model_type 'rt_detr'");
    }

    @Test
    void outputsThatDoNotFitThePostProcessingFailThatFrame() {
        try (VisionModel vit = VisionFixtures.load("vit-tiny-random");
             OrtSession.Result result = vit.run(new float[3 * 224 * 224], 224, 224)) {
            DetrPostProcessor detr = new DetrPostProcessor(vit.labels(), 0.5);
            assertThatThrownBy(() -> detr.process(new ModelOutputs(result), 10, 10))
                    .isInstanceOf(ModelOutputException.class).hasMessageContaining("output logits has shape [1, 8]");
        }
    }

    @Test
    void eachImageOfABatchGetsTheOutputsItGetsAlone() {
        Random random = new Random(7);
        for (String name : VisionFixtures.MODELS) {
            try (VisionModel model = VisionFixtures.load(name)) {
                int[] size = model.processorConfig().inputSize(300, 400);
                List<float[]> images = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    float[] chw = new float[3 * size[0] * size[1]];
                    for (int v = 0; v < chw.length; v++) {
                        chw[v] = (float) random.nextGaussian();
                    }
                    images.add(chw);
                }
                VisionPostProcessor post = model.postProcessor(0.0, 3);
                try (OrtSession.Result batch = model.run(images, size[0], size[1])) {
                    for (int i = 0; i < images.size(); i++) {
                        try (OrtSession.Result alone = model.run(images.get(i), size[0], size[1])) {
                            List<Detection> together = post.process(new ModelOutputs(batch, i), 400, 300);
                            List<Detection> single = post.process(new ModelOutputs(alone), 400, 300);
                            assertThat(together).as(name + " image " + i).hasSameSizeAs(single).isNotEmpty();
                            for (int d = 0; d < single.size(); d++) {
                                assertThat(together.get(d).label()).isEqualTo(single.get(d).label());
                                assertThat(together.get(d).score()).isCloseTo(single.get(d).score(), within(1e-4));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void batchesInReusedMemoryGetTheOutputsOfBatchesInTheirOwn() throws Exception {
        Random random = new Random(11);
        for (String name : VisionFixtures.MODELS) {
            try (VisionModel model = VisionFixtures.load(name)) {
                int[] size = model.processorConfig().inputSize(300, 400);
                PixelBatch memory = new PixelBatch();
                // Larger, smaller, then larger again than the memory holds: grown, reused in part, grown.
                for (int batch : new int[] {2, 1, 3}) {
                    List<float[]> images = new ArrayList<>();
                    for (int i = 0; i < batch; i++) {
                        float[] chw = new float[3 * size[0] * size[1]];
                        for (int v = 0; v < chw.length; v++) {
                            chw[v] = (float) random.nextGaussian();
                        }
                        images.add(chw);
                    }
                    try (OrtSession.Result reused = model.run(images, size[0], size[1], memory);
                         OrtSession.Result own = model.run(images, size[0], size[1])) {
                        float[] expected = ((OnnxTensor) own.get("logits").orElseThrow()).getFloatBuffer().array();
                        assertThat(((OnnxTensor) reused.get("logits").orElseThrow()).getFloatBuffer().array())
                                .as(name + ", a batch of " + batch).containsExactly(expected);
                    }
                }
            }
        }
    }

    @Test
    void legacyFeatureExtractorSizesAreRead() throws IOException {
        // Xenova/detr-resnet-50 still ships the feature-extractor form: size 800, max_size 1333.
        ImageProcessorConfig legacy = ImageProcessorConfig.parse(JSON.readTree(
                "{\"do_resize\":true,\"size\":800,\"max_size\":1333,\"image_mean\":[0.485,0.456,0.406],"
                        + "\"image_std\":[0.229,0.224,0.225],\"do_normalize\":true}"), "detr", Path.of("p.json"));
        assertThat(legacy.inputSize(480, 640)).containsExactly(800, 1066);
        assertThat(legacy.inputSize(300, 1200)).containsExactly(333, 1333);
        assertThat(legacy.normalization().scale()).isEqualTo(1 / 255.0);
        ImageProcessorConfig square = ImageProcessorConfig.parse(JSON.readTree("{\"size\":224}"), "vit", Path.of("p.json"));
        assertThat(square.inputSize(480, 640)).containsExactly(224, 224);
    }

    private static Path copy(String model, Path dir) throws IOException {
        Path source = VisionFixtures.path(model);
        Path target = dir.resolve(model);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        return target;
    }

    private static void editConfig(Path dir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(config);
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
    }
}
