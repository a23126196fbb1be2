package io.sensorium.processors.vision.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The vision fixtures made by models/tools/export_vision_fixtures.py, as the build puts them on the test classpath. */
final class VisionFixtures {
    static final String[] MODELS = {"detr-tiny-random", "yolos-tiny-random", "vit-tiny-random"};

    private VisionFixtures() {}

    static Path path(String name) {
        try {
            return Path.of(VisionFixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static VisionModel load(String model) {
        return VisionModel.load(path(model), new VisionModel.Options(1, -1));
    }

    static JsonNode reference(String model) throws IOException {
        return new ObjectMapper().readTree(path(model + "/reference/reference.json").toFile());
    }

    static float[] floats(String model, String file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path(model + "/reference/" + file))).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    static RgbImage image(String name) throws IOException {
        return ImageCodec.decode(Files.readAllBytes(path(name)), name);
    }
}
