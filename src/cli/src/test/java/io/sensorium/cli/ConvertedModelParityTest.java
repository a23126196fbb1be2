package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorium.processors.onnx.Int8Sums;
import io.sensorium.processors.onnx.ModelException;
import io.sensorium.processors.speech.whisper.WhisperDecoder;
import io.sensorium.processors.speech.whisper.WhisperEncoder;
import io.sensorium.processors.speech.whisper.WhisperModel;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sensorium models convert` on the random-weight transformers checkpoint (models/fixtures/whisper-tiny-random/
 * checkpoint) builds graphs — without PyTorch — that give the PyTorch encoder output to 1e-4 and, decoded in Java,
 * exactly the token ids transformers' generate() gives: by default its own layout (the cross-attention keys and
 * values, then one graph for every decoder step), with --merged onnx-community's.
 */
class ConvertedModelParityTest {
    private static final String STEP = "onnx/decoder_step_model.onnx";

    @Test
    void convertedCheckpointMatchesPyTorch(@TempDir Path dir) throws Exception {
        Path fixture = TestPipeline.fixture("whisper-tiny-random");
        Path source = Files.createDirectories(dir.resolve("checkpoint"));
        for (String file : new String[] {"checkpoint/model.safetensors", "checkpoint/config.json",
                "checkpoint/generation_config.json", "tokenizer.json"}) {
            Files.copy(fixture.resolve(file), source.resolve(Path.of(file).getFileName().toString()));
        }
        Path converted = convert(dir, "converted", source);

        try (WhisperModel model = WhisperModel.load(converted, WhisperModel.Options.cpu(1))) {
            assertThat(model.decoderGraphs()).isEqualTo(WhisperModel.DecoderGraphs.STEP);
            // The live stage encodes a short buffer: positions sliced to the input, the hidden states as long.
            assertThat(model.encodesShortInput()).isTrue();
            try (WhisperEncoder.EncoderOutput shortInput = new WhisperEncoder(model).encode(new float[1000][80])) {
                assertThat(shortInput.values()).hasSize(500 * model.dModel());
            }
            float[][] features = floats(fixture.resolve("reference/noise.f32"), 3000, 80);
            int width = model.dModel();
            float[][] hidden = floats(fixture.resolve("reference/noise.encoder.f32"), 1500, width);
            try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(features)) {
                float[] actual = encoded.values();
                double worst = 0;
                for (int i = 0; i < actual.length; i++) {
                    worst = Math.max(worst, Math.abs(actual[i] - hidden[i / width][i % width]));
                }
                assertThat(worst).isLessThanOrEqualTo(1e-4);
            }
            WhisperDecoder decoder = new WhisperDecoder(model);
            for (JsonNode c : new ObjectMapper().readTree(fixture.resolve("reference/generate.json").toFile())) {
                boolean timestamps = c.path("timestamps").asBoolean();
                float[][] input = floats(fixture.resolve("reference/" + c.path("input").asText()), 3000, 80);
                try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(input)) {
                    int[] tokens = decoder.decode(encoded, decoder.prompt(timestamps, null), timestamps,
                            c.path("max_new_tokens").asInt(), true).tokens();
                    int[] expected = new int[c.path("tokens").size()];
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] = c.path("tokens").get(i).asInt();
                    }
                    assertThat(tokens).as(c.toString()).containsExactly(expected);
                }
            }
            firstStepGivesTheScoresOfTheTranscriptOnly(model);
        }
        try (OrtSession step = OrtEnvironment.getEnvironment().createSession(
                converted.resolve(STEP).toString())) {
            assertThat(step.getInputNames()).contains("logits_from");
        }
        stepTakesEachWindowsKeysAndValuesOnceForItsRows(dir, source);
        assertThat(converted.resolve("onnx/decoder_model.onnx")).doesNotExist();
        weightsOfAMebibyteAreInTheDataFile(converted, dir);
        Path merged = convert(dir, "merged", source, "--merged");
        try (WhisperModel model = WhisperModel.load(merged, WhisperModel.Options.cpu(1))) {
            assertThat(model.merged()).isTrue();
            firstStepGivesTheScoresOfTheTranscriptOnly(model);
        }
        // Quantised, the token embedding is stored in float16. The float32 graphs hold it once, tied to the output
        // projection; the int8 ones add a projection of their own (int8, a scale per vocabulary entry), so with the
        // float32 embedding kept they would be about 40% larger than these (this fixture's width of 6 makes the
        // scales weigh; tiny.en's int8 decoder graphs went from 110 to 70 MB).
        Path int8 = convert(dir, "int8", source, "--int8");
        assertThat(stored(int8, STEP)).isLessThan(stored(converted, STEP));
        weightsTakeTheBitsThisProcessorSums(int8);
        try (WhisperModel model = WhisperModel.load(int8, WhisperModel.Options.cpu(1))) {
            firstStepGivesTheScoresOfTheTranscriptOnly(model);
        }
        quietPositionsKeepTheirPrecision(converted, int8);
    }

    /**
     * Where this processor sums int8 products in 32 bits, the int8 weights take 8 bits, and each graph and the
     * conversion's mark say so: for the loader to warn on a processor that sums in 16 bits, and `models pull` to
     * convert the model again there.
     */
    private static void weightsTakeTheBitsThisProcessorSums(Path int8) throws Exception {
        boolean wide = Int8Sums.in32Bits();
        JsonNode mark = new ObjectMapper().readTree(int8.resolve(ModelConverter.MARK).toFile());
        assertThat(mark.get(ModelConverter.MARK_INT8_SUMS)).isEqualTo(BooleanNode.valueOf(wide));
        for (String graph : new String[] {"onnx/encoder_model.onnx", "onnx/decoder_cross_kv_model.onnx", STEP}) {
            try (OrtSession session = OrtEnvironment.getEnvironment().createSession(int8.resolve(graph).toString())) {
                assertThat(session.getMetadata().getCustomMetadata().get(Int8Sums.METADATA)).as(graph)
                        .isEqualTo(wide ? "true" : null);
            }
        }
    }

    /**
     * int8 quantises the activations of the encoder's and the cross-attention's products with a scale and zero point
     * per audio position: the cross-attention keys of positions 1 to 1000 times louder than one another are each
     * within 10% of float32's (5.2% at worst, 0.8% the median). With one scale for all positions (onnxruntime's
     * quantiser, converter 7), the keys of the quieter positions were 50-340% off.
     */
    private static void quietPositionsKeepTheirPrecision(Path float32, Path int8) throws Exception {
        int positions = 1500;
        int width = 6;
        float[][][] states = new float[1][positions][width];
        Random random = new Random(7);
        for (int p = 0; p < positions; p++) {
            for (int c = 0; c < width; c++) {
                states[0][p][c] = (float) (random.nextGaussian() * Math.pow(10, p % 4));
            }
        }
        String graph = "onnx/decoder_cross_kv_model.onnx";
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession exact = env.createSession(float32.resolve(graph).toString());
                OrtSession quantised = env.createSession(int8.resolve(graph).toString());
                OnnxTensor input = OnnxTensor.createTensor(env, states);
                OrtSession.Result expected = exact.run(Map.of("encoder_hidden_states", input));
                OrtSession.Result actual = quantised.run(Map.of("encoder_hidden_states", input))) {
            // present.0.encoder.key: [1, heads, positions, head width], no bias; each position against its own size.
            float[][][] want = ((float[][][][]) expected.get("present.0.encoder.key").orElseThrow().getValue())[0];
            float[][][] got = ((float[][][][]) actual.get("present.0.encoder.key").orElseThrow().getValue())[0];
            for (int p = 0; p < positions; p++) {
                double error = 0;
                double size = 0;
                for (int h = 0; h < want.length; h++) {
                    for (int c = 0; c < want[h][p].length; c++) {
                        error += Math.pow(got[h][p][c] - want[h][p][c], 2);
                        size += Math.pow(want[h][p][c], 2);
                    }
                }
                assertThat(Math.sqrt(error / size)).as("position %d", p).isLessThan(0.1);
            }
        }
    }

    /**
     * The fixture's token embedding (51,864 x 6 float32, 1.2 MB) is in the decoder's data file, which ONNX Runtime
     * maps rather than reads; the graph file keeps the smaller weights. Without its data file, or without the
     * cross-attention graph, the model does not load, and the error names the file.
     */
    private static void weightsOfAMebibyteAreInTheDataFile(Path converted, Path dir) throws Exception {
        assertThat(converted.resolve(STEP + "_data")).isRegularFile();
        assertThat(Files.size(converted.resolve(STEP + "_data"))).isGreaterThanOrEqualTo(51_864 * 6 * 4);
        assertThat(Files.size(converted.resolve(STEP))).isLessThan(1 << 20);
        Path incomplete = dir.resolve("incomplete");
        try (Stream<Path> files = Files.walk(converted)) {
            for (Path file : files.toList()) {
                Files.copy(file, incomplete.resolve(converted.relativize(file).toString()));
            }
        }
        Files.delete(incomplete.resolve(STEP + "_data"));
        assertThatThrownBy(() -> WhisperModel.load(incomplete, WhisperModel.Options.cpu(1)))
                .isInstanceOf(ModelException.class).hasMessageContaining("decoder_step_model.onnx_data");
        // The step graph without the cross-attention graph it goes with: the missing file is named.
        Files.delete(incomplete.resolve("onnx/decoder_cross_kv_model.onnx"));
        Files.copy(converted.resolve(STEP + "_data"), incomplete.resolve(STEP + "_data"));
        assertThatThrownBy(() -> WhisperModel.load(incomplete, WhisperModel.Options.cpu(1)))
                .isInstanceOf(ModelException.class).hasMessageContaining("decoder_cross_kv_model.onnx");
    }

    /** The bytes a graph takes on disk, its data file's included. */
    private static long stored(Path model, String graph) throws Exception {
        Path data = model.resolve(graph + "_data");
        return Files.size(model.resolve(graph)) + (Files.exists(data) ? Files.size(data) : 0);
    }

    private static Path convert(Path dir, String name, Path source, String... options) {
        Path converted = dir.resolve(name);
        PrintStream stdout = System.out;
        System.setOut(System.err);
        try {
            List<String> command = new ArrayList<>(List.of("models", "convert"));
            command.addAll(List.of(options));
            command.addAll(List.of(source.toString(), converted.toString()));
            assertThat(Sensorium.run(command.toArray(String[]::new))).isZero();
        } finally {
            System.setOut(stdout);
        }
        return converted;
    }

    /**
     * The converted decoder's first step, with the cache, gives scores from <|startoftranscript|> on only (not over
     * the previous text: logits_from): the same tokens and no-speech probability as the decoding without the cache,
     * whose runs give every position's scores.
     */
    private static void firstStepGivesTheScoresOfTheTranscriptOnly(WhisperModel model) throws Exception {
        WhisperDecoder decoder = new WhisperDecoder(model);
        int[] prompt = decoder.prompt(model.tokenizer().encode(" And so my fellow Americans, ask not"), true, null);
        Path fixture = TestPipeline.fixture("whisper-tiny-random");
        try (WhisperEncoder.EncoderOutput encoded = new WhisperEncoder(model).encode(
                floats(fixture.resolve("reference/smooth.f32"), 3000, 80))) {
            WhisperDecoder.Result cached = decoder.decode(encoded, prompt, true, 24, true);
            WhisperDecoder.Result full = decoder.decode(encoded, prompt, true, 24, false);
            assertThat(cached.tokens()).containsExactly(full.tokens());
            assertThat(cached.noSpeechProb()).isCloseTo(full.noSpeechProb(), within(1e-6));
        }
    }

    /**
     * The decoder step takes a window's cross-attention keys and values once for all its rows (its beams), window
     * after window, and multiplies the rows of a window together: two windows of two rows each give the scores, the
     * keys and values and the alignment heads' attention (the checkpoint given two heads) that each row gives with a
     * copy of its own.
     */
    private static void stepTakesEachWindowsKeysAndValuesOnceForItsRows(Path dir, Path source) throws Exception {
        Path aligned = Files.createDirectories(dir.resolve("aligned-checkpoint"));
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, aligned.resolve(file.getFileName()));
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode generation = (ObjectNode) json.readTree(aligned.resolve("generation_config.json").toFile());
        generation.set("alignment_heads", json.valueToTree(new int[][] {{0, 1}, {1, 0}}));
        json.writeValue(aligned.resolve("generation_config.json").toFile(), generation);
        Path converted = convert(dir, "aligned", aligned);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path fixture = TestPipeline.fixture("whisper-tiny-random");
        try (OrtSession crossKv = env.createSession(converted.resolve("onnx/decoder_cross_kv_model.onnx").toString());
             OrtSession step = env.createSession(converted.resolve(STEP).toString())) {
            assertThat(step.getOutputNames()).contains("cross_attentions");
            int width = (int) ((TensorInfo) crossKv.getInputInfo().get("encoder_hidden_states").getInfo()).getShape()[2];
            FloatBuffer states = FloatBuffer.allocate(2 * 1500 * width);
            for (String window : new String[] {"noise", "smooth"}) {
                for (float[] position : floats(fixture.resolve("reference/" + window + ".encoder.f32"), 1500, width)) {
                    states.put(position);
                }
            }
            long[][] ids = {{50257, 50362, 440}, {50257, 50362, 1119}, {50257, 50362, 440}, {50257, 50363, 7}};
            try (OnnxTensor statesTensor = OnnxTensor.createTensor(env, states.flip(), new long[] {2, 1500, width});
                 OrtSession.Result keysAndValues = crossKv.run(Map.of("encoder_hidden_states", statesTensor));
                 OnnxTensor tokens = OnnxTensor.createTensor(env, ids);
                 OnnxTensor logitsFrom = OnnxTensor.createTensor(env, new long[] {0})) {
                Map<String, OnnxTensor> once = new HashMap<>(Map.of("input_ids", tokens, "logits_from", logitsFrom));
                Map<String, OnnxTensor> copies = new HashMap<>(once);
                List<OnnxTensor> made = new ArrayList<>();
                try {
                    for (var input : step.getInputInfo().entrySet()) {
                        String name = input.getKey();
                        long[] shape = ((TensorInfo) input.getValue().getInfo()).getShape();
                        if (name.contains(".decoder.")) {
                            OnnxTensor empty = OnnxTensor.createTensor(env, FloatBuffer.allocate(0),
                                    new long[] {ids.length, shape[1], 0, shape[3]});
                            made.add(empty);
                            once.put(name, empty);
                            copies.put(name, empty);
                        } else if (name.contains(".encoder.")) {
                            OnnxTensor byWindow = (OnnxTensor) keysAndValues.get(name.replace("past_key_values.",
                                    "present.")).orElseThrow();
                            once.put(name, byWindow);
                            OnnxTensor byRow = rowsOf(env, byWindow, 0, 0, 1, 1);
                            made.add(byRow);
                            copies.put(name, byRow);
                        }
                    }
                    try (OrtSession.Result shared = step.run(once); OrtSession.Result own = step.run(copies)) {
                        assertThat(shared.size()).isEqualTo(own.size());
                        for (int i = 0; i < own.size(); i++) {
                            float[] expected = flat((OnnxTensor) own.get(i));
                            float[] actual = flat((OnnxTensor) shared.get(i));
                            assertThat(actual).as("output %d", i).hasSameSizeAs(expected);
                            for (int j = 0; j < expected.length; j++) {
                                assertThat(actual[j]).as("output %d at %d", i, j).isCloseTo(expected[j], within(1e-5f));
                            }
                        }
                    }
                } finally {
                    made.forEach(OnnxTensor::close);
                }
            }
        }
    }

    /** The rows {@code rows} of a tensor whose first dimension is its rows, as a tensor of their own. */
    private static OnnxTensor rowsOf(OrtEnvironment env, OnnxTensor tensor, int... rows) throws Exception {
        long[] shape = tensor.getInfo().getShape();
        float[] all = flat(tensor);
        int size = all.length / (int) shape[0];
        FloatBuffer picked = FloatBuffer.allocate(rows.length * size);
        for (int row : rows) {
            picked.put(all, row * size, size);
        }
        long[] pickedShape = shape.clone();
        pickedShape[0] = rows.length;
        return OnnxTensor.createTensor(env, picked.flip(), pickedShape);
    }

    private static float[] flat(OnnxTensor tensor) {
        FloatBuffer values = tensor.getFloatBuffer();
        float[] all = new float[values.remaining()];
        values.get(all);
        return all;
    }

    private static float[][] floats(Path file, int rows, int cols) throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[][] values = new float[rows][cols];
        for (float[] row : values) {
            for (int c = 0; c < cols; c++) {
                row[c] = bytes.getFloat();
            }
        }
        return values;
    }
}
