package io.sensorium.processors.vision;

import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.ImageFrame;
import io.sensorium.core.records.ImageFrameSerde;
import io.sensorium.core.records.RecordHeaders;
import io.sensorium.processors.vision.model.VisionModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The vision preprocessor and the vision stage as their topologies run them (TopologyTestDriver), on the random DETR
 * fixture: frames go in, the stage's output topics' values come out.
 */
final class VisionStages implements AutoCloseable {
    static final Path MODEL = fixture("detr-tiny-random");
    static final byte[] SCENE = scene();

    final SensoriumConfig config;
    private final VisionModel model;
    private final TopologyTestDriver preprocess;
    private final TopologyTestDriver vision;
    private final TestInputTopic<String, byte[]> frames;

    VisionStages(Path stateDir, Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("vision.model", MODEL.toString());
        config = ConfigLoader.load(null, Map.of(), all);
        model = VisionModel.load(MODEL, new VisionModel.Options(1, -1));
        preprocess = new TopologyTestDriver(VisionPreprocessTopology.build(config, model.processorConfig(),
                "detr-tiny-random"), properties(stateDir, "preprocess"));
        vision = new TopologyTestDriver(VisionTopology.build(config, model), properties(stateDir, "vision"));
        frames = preprocess.createInputTopic(config.topics().frames(), new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends a frame through both stages, captured (the record's timestamp) at {@code capturedMs}. */
    void send(ImageFrame frame, boolean live, long capturedMs) {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        new ImageFrameSerde(Integer.MAX_VALUE).writeHeaders(frame, headers);
        if (live) {
            headers.add(new RecordHeader(RecordHeaders.LIVE, "true".getBytes(StandardCharsets.UTF_8)));
        }
        frames.pipeInput(new TestRecord<>(frame.streamId(), frame.jpeg(), headers, capturedMs));
        TestInputTopic<String, byte[]> pixels = vision.createInputTopic(config.topics().pixels(), new StringSerializer(),
                new ByteArraySerializer());
        for (TestRecord<String, byte[]> pixel : preprocess.createOutputTopic(config.topics().pixels(),
                new StringDeserializer(), new ByteArrayDeserializer()).readRecordsToList()) {
            pixels.pipeInput(pixel);
        }
    }

    /** The records, headers and all, the vision stage wrote to {@code topic} since the last read of it. */
    List<TestRecord<String, byte[]>> readRecords(String topic) {
        return vision.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
    }

    /** What the vision stage wrote to {@code topic} since the last read of it. */
    List<byte[]> read(String topic) {
        return vision.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer()).readValuesToList();
    }

    @Override
    public void close() {
        try (model) {
            preprocess.close();
            vision.close();
        }
    }

    private static Properties properties(Path stateDir, String name) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "vision-stages-" + name);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString());
        return properties;
    }

    private static Path fixture(String name) {
        try {
            return Path.of(VisionStages.class.getResource("/fixtures/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] scene() {
        try {
            return Files.readAllBytes(fixture("images/chelsea.jpg"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
