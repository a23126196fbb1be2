package io.sensorium.processors.vision;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.ImageFrame;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vision.live-frames: under {@code latest} a live camera's frame that reaches the vision stage more than
 * vision.live-max-lag-seconds after ingest read it is skipped, while a file's frame, however old, and a fresh live
 * frame are detected; under {@code all} every frame is.
 */
class LiveFramesTest {
    @TempDir
    Path stateDir;

    @Test
    void latestSkipsALiveFrameReachedTooLateAndKeepsTheRest() {
        assertThat(detectedFrames("latest")).containsExactly(0L, 2L);
    }

    @Test
    void allDetectsEveryFrameHoweverLate() {
        assertThat(detectedFrames("all")).containsExactly(0L, 1L, 2L);
    }

    /** Frame 0: live, just captured; 1: live, captured 10 s ago; 2: from a file, captured 10 s ago. */
    private List<Long> detectedFrames(String policy) {
        long now = System.currentTimeMillis();
        try (VisionStages stages = new VisionStages(stateDir, Map.of("vision.live-frames", policy,
                "vision.live-max-lag-seconds", "2"))) {
            stages.send(new ImageFrame("cam", 0, 0, 451, 300, false, VisionStages.SCENE), true, now);
            stages.send(new ImageFrame("cam", 1, 100_000, 451, 300, false, VisionStages.SCENE), true, now - 10_000);
            stages.send(new ImageFrame("cam", 2, 200_000, 451, 300, false, VisionStages.SCENE), false, now - 10_000);
            return stages.read(stages.config.topics().detections()).stream().map(DetectionsJson::read)
                    .map(record -> ((FrameDetections) record).frame()).toList();
        }
    }
}
