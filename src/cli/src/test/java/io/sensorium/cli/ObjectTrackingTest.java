package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.FrameDetections;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code detect} gives the objects of a camera their track ids (ByteTrack, vision.tracking): a camera looking at the
 * same scene frame after frame (one photo, six times, random DETR: six objects above the threshold) sees the same
 * objects, each under the id it got in the first frame; without tracking the records carry no ids.
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
    void withoutTrackingDetectionsHaveNoIds(@TempDir Path dir) throws Exception {
        List<FrameDetections> frames = detect(dir, false);
        assertThat(frames).hasSize(FRAMES).allSatisfy(frame -> assertThat(frame.detections()).isNotEmpty()
                .allSatisfy(d -> assertThat(d.trackId()).isNull()));
    }

    private static List<FrameDetections> detect(Path dir, boolean tracking) throws Exception {
        Path scene = Files.createDirectory(dir.resolve("scene"));
        for (int i = 0; i < FRAMES; i++) {
            Files.copy(TestPipeline.fixture("images/chelsea.jpg"), scene.resolve("frame-" + i + ".jpg"));
        }
        Map<String, String> settings = TestPipeline.isolatedVisionSettings("detr-tiny-random");
        settings.put("vision.tracking.enabled", String.valueOf(tracking));
        TestPipeline.CliRun run = TestPipeline.cli(List.of("detect"), settings, List.of(scene.toString()));
        assertThat(run.exit()).as(run.stderr()).isZero();
        return run.stdout().lines().map(line -> DetectionsJson.read(line.getBytes(StandardCharsets.UTF_8)))
                .filter(FrameDetections.class::isInstance).map(FrameDetections.class::cast).toList();
    }
}
