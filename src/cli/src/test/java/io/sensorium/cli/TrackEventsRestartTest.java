package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.records.DetectionsEnd;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.EventsEnd;
import io.sensorium.core.records.EventsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.RecordHeaders;
import io.sensorium.core.records.TrackEvent;
import io.sensorium.ingest.video.VideoFiles;
import io.sensorium.ingest.video.VideoIngest;
import io.sensorium.processors.onnx.SharedModels;
import io.sensorium.processors.vision.VisionTopology;
import io.sensorium.processors.vision.model.VisionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A camera's object events, on a real broker, stay exactly once when the vision stage is stopped mid-stream and
 * started again on a fresh state directory (its trackers, events and snapshots come back from their changelogs): a
 * video of a still scene, with a zone over the whole frame, gives each object one {@code new}, one {@code entered},
 * one {@code left} and one {@code end}, in that order, with its updates between; one snapshot per object; every frame
 * one detections record.
 */
class TrackEventsRestartTest {
    private static final int FRAMES = 60;
    private static final String CAMERA = "yard";
    /** The first run of the stage stops once this many frames' detections are out. */
    private static final int STOP_AFTER = 12;

    @Test
    void eventsAndSnapshotsComeOnceAcrossARestart(@TempDir Path dir) throws Exception {
        Path video = VideoFiles.stillMp4(dir.resolve("yard.mp4"), TestPipeline.fixture("images/chelsea.jpg"), FRAMES, 10);
        Path zones = Files.writeString(dir.resolve("zones.yaml"),
                "vision:\n  zones:\n    " + CAMERA + ":\n      lawn: [[0, 0], [1, 0], [1, 1], [0, 1]]\n");
        Map<String, String> settings = TestPipeline.isolatedVisionSettings("detr-tiny-random");
        settings.put("vision.events.update-seconds", "1");
        settings.put("vision.events.snapshots", "true");
        SensoriumConfig config = ConfigLoader.load(zones, Map.of(), settings).withThreadsPerSource(1);
        try (KafkaCluster cluster = KafkaCluster.connect(config, false);
             SharedModels.Handle<VisionModel> model = ConfiguredModels.openVision(config);
             KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.connection())) {
            cluster.ensureTopics(config, KafkaCluster.visionTopics(config));
            try (StreamsStage preprocess = TestPipeline.visionPreprocess(config, model.model(), cluster)) {
                preprocess.start(Duration.ofMinutes(1));
                VideoIngest.Result ingested = Ingests.video(config, producer, null).publish(CAMERA, video.toString());
                assertThat(ingested.frames()).isEqualTo(FRAMES);

                long before = runVision(config, model.model(), cluster, dir.resolve("state"),
                        records -> frames(records) >= STOP_AFTER);
                System.out.printf("vision stage stopped with %d of %d frames' detections out%n", before, FRAMES);
                assertThat(before).as("frames out before the restart").isLessThan(FRAMES);
                runVision(config, model.model(), cluster, dir.resolve("fresh-state"),
                        records -> records.stream().anyMatch(r -> DetectionsJson.read(r.value()) instanceof DetectionsEnd));
            }
        }

        List<FrameDetections> detections = TestPipeline.readAll(config.topics().detections(), FRAMES + 1,
                Duration.ofSeconds(30)).stream().map(r -> DetectionsJson.read(r.value()))
                .filter(FrameDetections.class::isInstance).map(FrameDetections.class::cast).toList();
        assertThat(detections).extracting(FrameDetections::frame)
                .containsExactlyElementsOf(LongStream.range(0, FRAMES).boxed().toList());

        List<Object> events = TestPipeline.readUntil(config.topics().events(),
                records -> records.stream().anyMatch(r -> EventsJson.read(r.value()) instanceof EventsEnd),
                Duration.ofSeconds(30)).stream().map(r -> EventsJson.read(r.value())).toList();
        assertThat(events.get(events.size() - 1)).isEqualTo(EventsEnd.of(CAMERA, FRAMES));
        Map<Long, List<TrackEvent>> byTrack = events.stream().filter(TrackEvent.class::isInstance)
                .map(TrackEvent.class::cast).collect(Collectors.groupingBy(TrackEvent::trackId));
        assertThat(byTrack).isNotEmpty();
        byTrack.forEach((id, own) -> {
            List<String> types = own.stream().map(e -> e.type() + (e.zone() == null ? "" : " " + e.zone()))
                    .filter(type -> !type.equals(TrackEvent.UPDATE)).toList();
            assertThat(types).as("track %d: %s", id, own).containsExactly("new", "entered lawn", "left lawn", "end");
            List<Long> updates = own.stream().filter(e -> e.type().equals(TrackEvent.UPDATE)).map(TrackEvent::frame)
                    .toList();
            assertThat(updates).as("track %d's updates, once each", id).isSorted().doesNotHaveDuplicates();
        });
        assertThat(byTrack.values().stream().mapToLong(own -> own.stream()
                .filter(e -> e.type().equals(TrackEvent.UPDATE)).count()).sum())
                .as("updates, a second of the camera's time apart").isPositive();

        List<ConsumerRecord<String, byte[]>> snapshots = TestPipeline.readAll(config.topics().snapshots(),
                byTrack.size(), Duration.ofSeconds(30));
        Set<Long> snapshotIds = new HashSet<>();
        for (ConsumerRecord<String, byte[]> snapshot : snapshots) {
            assertThat(snapshotIds.add(Long.parseLong(RecordHeaders.text(snapshot.headers(), RecordHeaders.TRACK_ID))))
                    .as("one snapshot per object").isTrue();
        }
        assertThat(snapshotIds).isEqualTo(byTrack.keySet());
    }

    private static long frames(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> DetectionsJson.read(r.value()) instanceof FrameDetections).count();
    }

    /**
     * Runs the vision stage on {@code stateDir} until its committed detections satisfy {@code until}, then stops it
     * at once, as a shutdown would.
     *
     * @return how many frames' detections were out when it was stopped
     */
    private static long runVision(SensoriumConfig config, VisionModel model, KafkaCluster cluster, Path stateDir,
                                  Predicate<List<ConsumerRecord<String, byte[]>>> until) {
        try (StreamsStage vision = new StreamsStage(VisionTopology.STAGE, VisionTopology.build(config, model),
                config.kafka().withStateDir(stateDir.toString()), cluster.connection());
             KafkaConsumer<String, byte[]> consumer = KafkaClients.reader(cluster.connection())) {
            vision.start(Duration.ofMinutes(1));
            List<TopicPartition> partitions = consumer.partitionsFor(config.topics().detections(), Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!until.test(seen) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(50)).forEach(seen::add);
            }
            assertThat(vision.failed()).isFalse();
            assertThat(until.test(seen)).isTrue();
            return frames(seen);
        }
    }
}
