package io.sensorium.processors.vision.track;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ids the reference ByteTrack (supervision 0.25.1's sv.ByteTrack) gives synthetic detection sequences — crossing,
 * occlusion, a score dip, a false positive, objects past the lost-track buffer, random scenes — exported by
 * models/tools/export_bytetrack_reference.py: the tracker gives each detection the same id.
 */
class ByteTrackerParityTest {
    @Test
    void everyDetectionGetsTheReferenceTrackerId() throws Exception {
        assertThat(replay(false)).as("the fixture's detections").isGreaterThan(1900);
    }

    /** A tracker kept in a state store is restored for every frame: it goes on as one that never stopped. */
    @Test
    void aTrackerRestoredFromItsSnapshotEveryFrameGivesTheSameIds() throws Exception {
        replay(true);
    }

    private static int replay(boolean restoreEachFrame) throws Exception {
        JsonNode reference = new ObjectMapper().readTree(
                Path.of(ByteTrackerParityTest.class.getResource("/fixtures/tracking/bytetrack-reference.json").toURI()).toFile());
        int detections = 0;
        for (JsonNode scenario : reference.get("scenarios")) {
            JsonNode options = scenario.get("options");
            ByteTracker tracker = new ByteTracker(new ByteTracker.Options(
                    options.get("track_activation_threshold").asDouble(), options.get("lost_track_buffer").asInt(),
                    options.get("minimum_matching_threshold").asDouble(), options.get("frame_rate").asDouble(),
                    options.get("minimum_consecutive_frames").asInt()));
            JsonNode frames = scenario.get("frames");
            for (int f = 0; f < frames.size(); f++) {
                List<ByteTracker.Box> boxes = new ArrayList<>();
                for (JsonNode d : frames.get(f)) {
                    JsonNode b = d.get("box");
                    boxes.add(new ByteTracker.Box(new double[] {b.get(0).asDouble(), b.get(1).asDouble(),
                            b.get(2).asDouble(), b.get(3).asDouble()}, d.get("score").asDouble()));
                }
                if (restoreEachFrame) {
                    tracker = ByteTracker.restore(tracker.options(), tracker.snapshot());
                }
                long[] expected = new ObjectMapper().convertValue(scenario.get("ids").get(f), long[].class);
                assertThat(tracker.update(boxes)).as("%s, frame %d", scenario.get("name").asText(), f)
                        .containsExactly(expected);
                detections += boxes.size();
            }
        }
        return detections;
    }
}
