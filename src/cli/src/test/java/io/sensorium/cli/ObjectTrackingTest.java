package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.EventsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.TrackEvent;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code detect} gives the objects of a camera their track ids (ByteTrack, vision.tracking): a camera looking at the
 * same scene frame after frame (one photo, six times, random DETR: six objects above the threshold) sees the same
 * objects, each under the id it got in the first frame; without tracking the records carry no ids. With
 * {@code --events} it prints their events, with {@code --snapshots DIR} it writes their best frames.
 */
class ObjectTrackingTest {
    private static final int FRAMES = 6;

    @Test
    void theSameObjectsKeepTheirIdsFromFrameToFrame(@TempDir Path dir) throws Exception {
        List<FrameDetections> frames = detect(dir, true);
        assertThat(frames).hasSize(FRAMES);
        List<Detection> first = frames.get(0).detections();
        assertThat(first).isNotEmpty().allSatisfy(d -> assertThat(d.trackId()).isNotNull());
        assertThat(first.stream().map(Detection::trackId).distinct().count()).as("one id per object").isEqualTo(first.size());
        for (FrameDetections frame : frames) {
            assertThat(frame.detections()).as("frame %d", frame.frame()).isEqualTo(first);
        }
    }

    @Test
    void withEventsDetectPrintsEachObjectsNewAndEnd(@TempDir Path dir) throws Exception {
        List<Long> ids = detect(dir.resolve("frames"), true).get(0).detections().stream().map(Detection::trackId)
                .sorted().toList();
        TestPipeline.CliRun run = run(dir.resolve("events"), true, List.of("--events"));
        List<TrackEvent> events = run.stdout().lines()
                .map(line -> (TrackEvent) EventsJson.read(line.getBytes(StandardCharsets.UTF_8))).toList();
        // Still images have no time of their own (timestamp 0): no updates between an object's new and its end.
        assertThat(events.stream().filter(e -> e.type().equals("new")).map(TrackEvent::trackId).sorted().toList())
                .isEqualTo(ids);
        assertThat(events.stream().filter(e -> e.type().equals("end")).map(TrackEvent::trackId).sorted().toList())
                .isEqualTo(ids);
        assertThat(events).hasSize(2 * ids.size()).allSatisfy(e -> assertThat(e.stream()).isEqualTo("scene"));
        assertThat(events.stream().filter(e -> e.type().equals("end"))).allSatisfy(e -> assertThat(e.frame()).isEqualTo(FRAMES));
    }

    @Test
    void withSnapshotsDetectWritesEachObjectsBestFrameAsAFile(@TempDir Path dir) throws Exception {
        Path snapshots = dir.resolve("snapshots");
        List<FrameDetections> frames = run(dir.resolve("run"), true, List.of("--snapshots", snapshots.toString()))
                .stdout().lines().map(line -> DetectionsJson.read(line.getBytes(StandardCharsets.UTF_8)))
                .filter(FrameDetections.class::isInstance).map(FrameDetections.class::cast).toList();
        List<Detection> objects = frames.get(0).detections();
        List<String> expected = objects.stream().map(d -> "scene-" + d.trackId() + "-" + d.label() + ".jpg").sorted()
                .toList();
        try (var files = Files.list(snapshots)) {
            assertThat(files.map(file -> file.getFileName().toString()).sorted().toList()).isEqualTo(expected);
        }
        for (String file : expected) {
            BufferedImage image = ImageIO.read(snapshots.resolve(file).toFile());
            assertThat(image).as(file).isNotNull();
            assertThat(image.getWidth()).isPositive();
        }
    }

    @Test
    void withoutTrackingDetectionsHaveNoIds(@TempDir Path dir) throws Exception {
        List<FrameDetections> frames = detect(dir, false);
        assertThat(frames).hasSize(FRAMES).allSatisfy(frame -> assertThat(frame.detections()).isNotEmpty()
                .allSatisfy(d -> assertThat(d.trackId()).isNull()));
    }

    private static List<FrameDetections> detect(Path dir, boolean tracking) throws Exception {
        return run(dir, tracking, List.of()).stdout().lines()
                .map(line -> DetectionsJson.read(line.getBytes(StandardCharsets.UTF_8)))
                .filter(FrameDetections.class::isInstance).map(FrameDetections.class::cast).toList();
    }

    /** detect of a folder "scene" of the same photo {@link #FRAMES} times. */
    private static TestPipeline.CliRun run(Path dir, boolean tracking, List<String> flags) throws Exception {
        Path scene = Files.createDirectories(dir.resolve("scene"));
        for (int i = 0; i < FRAMES; i++) {
            Files.copy(TestPipeline.fixture("images/chelsea.jpg"), scene.resolve("frame-" + i + ".jpg"));
        }
        Map<String, String> settings = TestPipeline.isolatedVisionSettings("detr-tiny-random");
        settings.put("vision.tracking.enabled", String.valueOf(tracking));
        List<String> command = new java.util.ArrayList<>(List.of("detect"));
        command.addAll(flags);
        TestPipeline.CliRun run = TestPipeline.cli(command, settings, List.of(scene.toString()));
        assertThat(run.exit()).as(run.stderr()).isZero();
        return run;
    }
}
