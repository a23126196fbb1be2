package io.sensorium.processors.vision;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.ImageFrame;
import io.sensorium.core.records.ImageFrameSerde;
import io.sensorium.core.records.RecordHeaders;
import io.sensorium.processors.vision.model.VisionModel;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vision.live-frames: under {@code latest} a live camera's frame that reaches the vision stage more than
 * vision.live-max-lag-seconds after ingest read it is skipped, while a file's frame, however old, and a fresh live
 * frame are detected; under {@code all} every frame is. The two stages as their topologies run them, the random DETR.
 */
class LiveFramesTest {
    @TempDir
    Path stateDir;

    @Test
    void latestSkipsALiveFrameReachedTooLateAndKeepsTheRest() throws Exception {
        assertThat(detectedFrames("latest")).containsExactly(0L, 2L);
    }

    @Test
    void allDetectsEveryFrameHoweverLate() throws Exception {
        assertThat(detectedFrames("all")).containsExactly(0L, 1L, 2L);
    }

    /** Frame 0: live, just captured; 1: live, captured 10 s ago; 2: from a file, captured 10 s ago. */
    private List<Long> detectedFrames(String policy) throws Exception {
        Path model = Path.of(LiveFramesTest.class.getResource("/fixtures/detr-tiny-random").toURI());
        SensoriumConfig config = ConfigLoader.load(null, Map.of(), Map.of("vision.model", model.toString(),
                "vision.live-frames", policy, "vision.live-max-lag-seconds", "2"));
        byte[] jpeg = Files.readAllBytes(Path.of(LiveFramesTest.class.getResource("/fixtures/images/chelsea.jpg").toURI()));
        long now = System.currentTimeMillis();
        try (VisionModel vision = VisionModel.load(model, new VisionModel.Options(1, -1));
             TopologyTestDriver preprocess = new TopologyTestDriver(VisionPreprocessTopology.build(config,
                     vision.processorConfig(), "detr-tiny-random"), properties("pre"));
             TopologyTestDriver detect = new TopologyTestDriver(VisionTopology.build(config, vision), properties("vision"))) {
            TestInputTopic<String, byte[]> frames = preprocess.createInputTopic(config.topics().frames(),
                    new StringSerializer(), new ByteArraySerializer());
            frames.pipeInput(frame(new ImageFrame("cam", 0, 0, 451, 300, false, jpeg), true, now));
            frames.pipeInput(frame(new ImageFrame("cam", 1, 100_000, 451, 300, false, jpeg), true, now - 10_000));
            frames.pipeInput(frame(new ImageFrame("cam", 2, 200_000, 451, 300, false, jpeg), false, now - 10_000));
            TestOutputTopic<String, byte[]> pixels = preprocess.createOutputTopic(config.topics().pixels(),
                    new StringDeserializer(), new ByteArrayDeserializer());
            TestInputTopic<String, byte[]> toVision = detect.createInputTopic(config.topics().pixels(),
                    new StringSerializer(), new ByteArraySerializer());
            for (TestRecord<String, byte[]> pixel : pixels.readRecordsToList()) {
                toVision.pipeInput(pixel);
            }
            return detect.createOutputTopic(config.topics().detections(), new StringDeserializer(),
                            new ByteArrayDeserializer()).readValuesToList().stream()
                    .map(DetectionsJson::read).map(record -> ((FrameDetections) record).frame()).toList();
        }
    }

    private static TestRecord<String, byte[]> frame(ImageFrame frame, boolean live, long capturedMs) {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        new ImageFrameSerde(Integer.MAX_VALUE).writeHeaders(frame, headers);
        if (live) {
            headers.add(new RecordHeader(RecordHeaders.LIVE, "true".getBytes()));
        }
        return new TestRecord<>(frame.streamId(), frame.jpeg(), headers, capturedMs);
    }

    private Properties properties(String name) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "live-frames-" + name);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString());
        return properties;
    }
}
