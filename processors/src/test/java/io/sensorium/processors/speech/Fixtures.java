package io.sensorium.processors.speech;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The test fixtures made by models/tools, as the build copies them onto the test classpath. */
final class Fixtures {
    private Fixtures() {}

    static Path path(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path randomWhisper() {
        return path("whisper-tiny-random");
    }

    /**
     * The fixture in onnx-community's merged layout: the same files with onnx/decoder_model_merged.onnx in place of
     * the decoder pair.
     */
    static Path mergedLayout(Path dir) throws IOException {
        Path source = randomWhisper();
        Path target = dir.resolve("whisper-tiny-random-merged");
        Files.createDirectories(target.resolve("onnx"));
        for (String file : new String[] {"config.json", "generation_config.json", "preprocessor_config.json",
                "tokenizer.json", "onnx/encoder_model.onnx"}) {
            Files.copy(source.resolve(file), target.resolve(file));
        }
        Files.copy(source.resolve("merged/decoder_model_merged.onnx"), target.resolve("onnx/decoder_model_merged.onnx"));
        return target;
    }

    /** A float32 little-endian file of {@code rows x cols} values. */
    static float[][] floats(String name, int rows, int cols) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[][] values = new float[rows][cols];
            for (float[] row : values) {
                for (int c = 0; c < cols; c++) {
                    row[c] = bytes.getFloat();
                }
            }
            return values;
        }
    }
}
