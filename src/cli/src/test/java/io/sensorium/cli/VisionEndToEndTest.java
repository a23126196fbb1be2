package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.DeadLetters;
import io.sensorium.core.kafka.KafkaConnection;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.kafka.TopicAdmin;
import io.sensorium.core.records.DetectionsEnd;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.ImageFrame;
import io.sensorium.core.records.ImageFrameSerde;
import io.sensorium.core.records.PixelFrame;
import io.sensorium.core.records.PixelFrameSerde;
import io.sensorium.core.records.PixelNormalization;
import io.sensorium.core.records.RecordHeaders;
import io.sensorium.ingest.video.VideoFiles;
import io.sensorium.ingest.video.VideoIngest;
import io.sensorium.processors.onnx.SharedModels;
import io.sensorium.processors.vision.VisionPreprocessTopology;
import io.sensorium.processors.vision.VisionTopology;
import io.sensorium.processors.vision.model.VisionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vision path on a real broker: a video file and a folder of photos go through ingest -> preprocessor ->
 * vision processor; every frame yields exactly one detections record, in order per camera, and an annotated frame.
 * Broken input — an undecodable and a truncated image in the folder (caught at ingest), frames of an unknown schema
 * version, of zero size, whose headers lie about their size, that declare a huge size, that are over the record
 * limit, that are truncated (caught by the preprocessor), a pixel record prepared for another model (caught by the
 * vision processor) — each reaches the dead-letter topic with its reason, and the streams go on.
 */
class VisionEndToEndTest {
    private static final int VIDEO_FRAMES = 12;
    private static final int MAX_RECORD_BYTES = 600_000;

    @Test
    void videoAndFolderBecomeDetectionsAndBadFramesBecomeDeadLetters(@TempDir Path dir) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedVisionSettings("detr-tiny-random");
        settings.put("vision.score-threshold", "0.5");
        settings.put("vision.annotate", "true");
        settings.put("vision.max-record-bytes", Integer.toString(MAX_RECORD_BYTES));
        SensoriumConfig config = TestPipeline.config(settings);
        KafkaConnection connection = KafkaConnection.configured(config.kafka());
        TopicAdmin.ensureTopics(connection, KafkaCluster.visionTopics(config), 3, (short) -1,
                config.topics().retentionMs());

        Path video = VideoFiles.mp4(dir.resolve("clip.mp4"), VIDEO_FRAMES, 10, 320, 240);
        Path photos = Files.createDirectory(dir.resolve("photos"));
        for (String photo : List.of("astronaut.png", "chelsea.jpg", "rocket-portrait.png")) {
            Files.copy(TestPipeline.fixture("images/" + photo), photos.resolve(photo));
        }
        byte[] jpeg = Files.readAllBytes(TestPipeline.fixture("images/chelsea.jpg"));
        Files.write(photos.resolve("b-garbage.jpg"), new byte[] {1, 2, 3, 4, 5});
        Files.write(photos.resolve("c-truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));

        try (SharedModels.Handle<VisionModel> model = ConfiguredModels.openVision(config);
             StreamsStage preprocess = new StreamsStage(VisionPreprocessTopology.STAGE,
                     VisionPreprocessTopology.build(config, model.model().processorConfig(), "detr-tiny-random"),
                     config.kafka(), connection);
             StreamsStage vision = new StreamsStage(VisionTopology.STAGE, VisionTopology.build(config, model.model()),
                     config.kafka(), connection);
             KafkaProducer<String, byte[]> producer = KafkaClients.producer(connection)) {
            preprocess.begin();
            vision.start(Duration.ofMinutes(1));
            preprocess.awaitRunning(Duration.ofMinutes(1));
            VideoIngest ingest = Ingests.video(config, producer, null);
            long ingestBegan = System.currentTimeMillis();
            VideoIngest.Result clip = ingest.publish("cam-video", video.toString());
            long ingestEnded = System.currentTimeMillis();
            VideoIngest.Result folder = ingest.publish("cam-folder", photos.toString());
            assertThat(clip.ok()).as(clip.toString()).isTrue();
            assertThat(clip.frames()).isEqualTo(VIDEO_FRAMES);
            assertThat(folder.frames()).isEqualTo(3);
            assertThat(folder.skipped()).hasSize(2);
            publishBadFrames(config, producer, jpeg);

            List<ConsumerRecord<String, byte[]>> detections = TestPipeline.readUntil(config.topics().detections(),
                    records -> records.stream().filter(r -> DetectionsJson.read(r.value()) instanceof DetectionsEnd).count() >= 3,
                    Duration.ofMinutes(2));
            Map<String, List<Object>> byCamera = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : detections) {
                byCamera.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(DetectionsJson.read(record.value()));
            }

            List<Object> videoRecords = byCamera.get("cam-video");
            assertThat(videoRecords).hasSize(VIDEO_FRAMES + 1);
            for (int i = 0; i < VIDEO_FRAMES; i++) {
                FrameDetections frame = (FrameDetections) videoRecords.get(i);
                assertThat(frame.frame()).isEqualTo(i);
                assertThat(frame.timestamp()).isCloseTo(i * 0.1, org.assertj.core.data.Offset.offset(0.011));
                assertThat(frame.width()).isEqualTo(320);
                assertThat(frame.task()).isEqualTo(FrameDetections.OBJECT_DETECTION);
                assertThat(frame.model()).isEqualTo("detr-tiny-random");
                assertThat(frame.capturedAtMs()).as("when ingest read the frame").isBetween(ingestBegan, ingestEnded);
                frame.detections().forEach(d -> assertThat(d.box()).hasSize(4));
            }
            assertThat(videoRecords.get(VIDEO_FRAMES)).isEqualTo(DetectionsEnd.of("cam-video", VIDEO_FRAMES));

            // Folder, in name order: astronaut, (garbage and truncated: dead letters at ingest), chelsea, rocket.
            List<Object> folderRecords = byCamera.get("cam-folder");
            assertThat(folderRecords).hasSize(4);
            assertThat(folderRecords.subList(0, 3).stream().map(r -> ((FrameDetections) r).height()).toList())
                    .containsExactly(512, 300, 427);
            assertThat(folderRecords.get(3)).isEqualTo(DetectionsEnd.of("cam-folder", 3));
            assertThat(byCamera.get("bad").stream().filter(FrameDetections.class::isInstance).map(r -> ((FrameDetections) r).frame())
                    .toList()).containsExactly(6L);
            assertThat(byCamera.get("bad").get(1)).isEqualTo(DetectionsEnd.of("bad", 7));

            List<ConsumerRecord<String, byte[]>> annotated = TestPipeline.readAll(config.topics().annotated(),
                    VIDEO_FRAMES + 4, Duration.ofSeconds(30));
            assertThat(annotated).hasSize(VIDEO_FRAMES + 3 + 1);
            ImageFrame first = new ImageFrameSerde(MAX_RECORD_BYTES).read(annotated.get(0).key(), annotated.get(0).value(),
                    annotated.get(0).headers());
            assertThat(first.jpeg()[0] & 0xff).isEqualTo(0xFF);

            List<String> reasons = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> letter : TestPipeline.readAll(config.topics().deadLetters(), 9, Duration.ofSeconds(30))) {
                reasons.add(letter.key() + "/" + RecordHeaders.text(letter.headers(), RecordHeaders.SEQUENCE) + " "
                        + RecordHeaders.text(letter.headers(), DeadLetters.STAGE) + ": "
                        + RecordHeaders.text(letter.headers(), DeadLetters.ERROR));
            }
            assertThat(reasons).hasSize(9);
            assertThat(reasons).anyMatch(r -> r.startsWith("cam-folder/null ingest-video: ") && r.contains("b-garbage.jpg is not a decodable image"));
            assertThat(reasons).anyMatch(r -> r.startsWith("cam-folder/null ingest-video: ") && r.contains("c-truncated.jpg is not a decodable image"));
            assertThat(reasons).anyMatch(r -> r.startsWith("bad/0 vision-preprocess: ") && r.contains("unsupported schema 'image-jpeg/9'"));
            assertThat(reasons).anyMatch(r -> r.startsWith("bad/1 vision-preprocess: ") && r.contains("empty image"));
            assertThat(reasons).anyMatch(r -> r.startsWith("bad/2 vision-preprocess: ") && r.contains("headers say 640x480"));
            assertThat(reasons).anyMatch(r -> r.startsWith("bad/3 vision-preprocess: ") && r.contains("pixel limit"));
            assertThat(reasons).anyMatch(r -> r.startsWith("bad/4 vision-preprocess: ") && r.contains("over the limit of " + MAX_RECORD_BYTES));
            assertThat(reasons).anyMatch(r -> r.startsWith("bad/5 vision-preprocess: truncated JPEG"));
            assertThat(reasons).anyMatch(r -> r.startsWith("foreign/0 vision: ")
                    && r.contains("prepared for model 'other-model', this processor runs 'detr-tiny-random'"));
        }
    }

    /** Frames 0-5 of stream "bad" are each wrong in their own way; frame 6 is good and must still be detected. */
    private static void publishBadFrames(SensoriumConfig config, KafkaProducer<String, byte[]> producer, byte[] jpeg)
            throws Exception {
        String topic = config.topics().frames();
        ImageFrameSerde serde = new ImageFrameSerde(Integer.MAX_VALUE);
        ProducerRecord<String, byte[]> unknown = frame(topic, serde, new ImageFrame("bad", 0, 0, 451, 300, false, jpeg));
        RecordHeaders.put(unknown.headers(), RecordHeaders.SCHEMA, "image-jpeg/9");
        producer.send(unknown);
        producer.send(frame(topic, serde, new ImageFrame("bad", 1, 0, 451, 300, false, new byte[0])));
        producer.send(frame(topic, serde, new ImageFrame("bad", 2, 0, 640, 480, false, jpeg)));
        byte[] huge = jpeg.clone();
        declareSize(huge, 60_000, 60_000);
        producer.send(frame(topic, serde, new ImageFrame("bad", 3, 0, 60_000, 60_000, false, huge)));
        producer.send(frame(topic, serde, new ImageFrame("bad", 4, 0, 451, 300, false, new byte[MAX_RECORD_BYTES + 1])));
        producer.send(frame(topic, serde, new ImageFrame("bad", 5, 0, 451, 300, false, Arrays.copyOf(jpeg, jpeg.length / 2))));
        producer.send(frame(topic, serde, new ImageFrame("bad", 6, 0, 451, 300, false, jpeg)));
        producer.send(frame(topic, serde, ImageFrame.end("bad", 7)));
        // A pixel record prepared for another model, straight onto the pixels topic.
        PixelFrame foreign = new PixelFrame("foreign", 0, 0, 2, 2, 2, 2, "other-model",
                new PixelNormalization(1 / 255.0, new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5}), false,
                PixelFrame.Format.RGB8, new byte[12]);
        ProducerRecord<String, byte[]> pixels = new ProducerRecord<>(config.topics().pixels(), "foreign", foreign.image());
        new PixelFrameSerde(Integer.MAX_VALUE).writeHeaders(foreign, pixels.headers());
        producer.send(pixels);
        producer.flush();
    }

    private static ProducerRecord<String, byte[]> frame(String topic, ImageFrameSerde serde, ImageFrame frame) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, frame.streamId(), frame.jpeg());
        serde.writeHeaders(frame, record.headers());
        return record;
    }

    /** Rewrites the size in a JPEG's start-of-frame marker. */
    private static void declareSize(byte[] jpeg, int width, int height) {
        for (int i = 2; i + 8 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xFF && ((jpeg[i + 1] & 0xff) == 0xC0 || (jpeg[i + 1] & 0xff) == 0xC2)) {
                jpeg[i + 5] = (byte) (height >> 8);
                jpeg[i + 6] = (byte) height;
                jpeg[i + 7] = (byte) (width >> 8);
                jpeg[i + 8] = (byte) width;
                return;
            }
        }
        throw new IllegalStateException("no start-of-frame marker");
    }
}
