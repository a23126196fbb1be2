package io.sensorium.processors.speech.whisper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

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

    /** The random-weight multilingual fixture (models/tools/export_whisper_multilingual_fixture.py). */
    static WhisperModel multilingualWhisper() {
        return WhisperModel.load(path("whisper-multilingual-random"), WhisperModel.Options.cpu(1));
    }

    static JsonNode multilingualCases() throws IOException {
        return new ObjectMapper().readTree(path("whisper-multilingual-random/reference/multilingual.json").toFile());
    }

    /** The random-weight fixture with the chosen decoder graphs, single-threaded on the CPU. */
    static WhisperModel randomWhisper(WhisperModel.DecoderGraphs graphs) {
        return WhisperModel.load(randomWhisper(), WhisperModel.Options.cpu(1).withDecoderGraphs(graphs));
    }

    /** The reference input features {@code reference/NAME}: a window of 3000 frames of 80 mel bins. */
    static float[][] referenceWindow(String name) throws IOException {
        return floats("whisper-tiny-random/reference/" + name, WhisperModel.WINDOW_FRAMES, 80);
    }

    static JsonNode referenceCases() throws IOException {
        return new ObjectMapper().readTree(path("whisper-tiny-random/reference/generate.json").toFile());
    }

    static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
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

    /** A copy of the random-weight fixture's model files (no references, no checkpoint) under {@code dir}, to alter. */
    static Path copyFixture(Path dir) throws IOException {
        Path source = Fixtures.randomWhisper();
        Path target = dir.resolve("model");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else if (!file.toString().contains("reference") && !file.toString().contains("checkpoint")) {
                    Files.copy(file, to);
                }
            }
        }
        return target;
    }
}
