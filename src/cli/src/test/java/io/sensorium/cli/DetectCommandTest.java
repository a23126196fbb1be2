package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.ingest.video.VideoFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sensorium detect} as a user runs it, with an image classifier: a folder of photos and a video at a sampled
 * rate give one JSON line per frame on stdout, the top labels of each, and exit 0; without a model it says how to
 * get one and exits 2.
 */
class DetectCommandTest {

    @Test
    void classifiesAFolderAndASampledVideo(@TempDir Path dir) throws Exception {
        Path photos = Files.createDirectory(dir.resolve("photos"));
        for (String photo : List.of("astronaut.png", "chelsea.jpg", "rocket-portrait.png")) {
            Files.copy(TestPipeline.fixture("images/" + photo), photos.resolve(photo));
        }
        Path video = VideoFiles.mp4(dir.resolve("clip.mp4"), 20, 10, 320, 240);
        Map<String, String> settings = TestPipeline.isolatedVisionSettings("vit-tiny-random");
        settings.put("vision.top-k", "3");

        TestPipeline.CliRun run = TestPipeline.cli(List.of("detect", "--fps", "2"), settings,
                List.of(photos.toString(), video.toString()));

        assertThat(run.exit()).isZero();
        List<FrameDetections> frames = run.stdout().lines()
                .map(line -> (FrameDetections) DetectionsJson.read(line.getBytes(StandardCharsets.UTF_8))).toList();
        assertThat(frames.stream().filter(f -> f.stream().equals("photos")).map(FrameDetections::height))
                .containsExactly(512, 300, 427);
        // 2 s of video at 10 fps, sampled at 2 fps: frames at 0, 0.5, 1.0, 1.5 s.
        assertThat(frames.stream().filter(f -> f.stream().equals("clip.mp4")).map(FrameDetections::timestamp))
                .containsExactly(0.0, 0.5, 1.0, 1.5);
        for (FrameDetections frame : frames) {
            assertThat(frame.task()).isEqualTo(FrameDetections.IMAGE_CLASSIFICATION);
            assertThat(frame.detections()).hasSize(3);
            assertThat(frame.detections().get(0).score()).isGreaterThanOrEqualTo(frame.detections().get(1).score());
        }
    }

    @Test
    void withoutAModelItSaysHowToGetOne(@TempDir Path dir) {
        Map<String, String> settings = TestPipeline.isolatedVisionSettings("vit-tiny-random");
        settings.put("vision.model", dir.resolve("none").toString());
        TestPipeline.CliRun run = TestPipeline.cli(List.of("detect"), settings,
                List.of(TestPipeline.fixture("images/chelsea.jpg").toString()));
        assertThat(run.exit()).isEqualTo(UserFacingError.USAGE);
        assertThat(run.stdout()).isEmpty();
    }
}
