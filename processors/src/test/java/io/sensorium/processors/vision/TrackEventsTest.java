package io.sensorium.processors.vision;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.EventsEnd;
import io.sensorium.core.records.EventsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.ImageFrame;
import io.sensorium.core.records.ImageFrameSerde;
import io.sensorium.core.records.RecordHeaders;
import io.sensorium.core.records.TrackEvent;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events of a camera's tracked objects: a scene seen for 12 s of the camera's time (a frame every 2 s) gives each
 * object a {@code new} event at its first frame, an {@code update} once 5 s (vision.events.update-seconds) have passed
 * since its last event, and an {@code end} when the stream ends, then the stream's end marker.
 */
class TrackEventsTest {
    @TempDir
    Path stateDir;

    @Test
    void newThenThrottledUpdatesThenEndAtTheStreamsEnd() {
        long now = System.currentTimeMillis();
        try (VisionStages stages = new VisionStages(stateDir, Map.of())) {
            for (int i = 0; i <= 6; i++) {
                stages.send(new ImageFrame("cam", i, i * 2_000_000L, 451, 300, false, VisionStages.SCENE), false, now);
            }
            stages.send(ImageFrame.end("cam", 7), false, now);

            List<Long> ids = stages.read(stages.config.topics().detections()).stream().map(DetectionsJson::read)
                    .filter(FrameDetections.class::isInstance).map(r -> (FrameDetections) r).findFirst().orElseThrow()
                    .detections().stream().map(Detection::trackId).sorted().toList();
            assertThat(ids).isNotEmpty().doesNotContainNull();
            List<Object> events = stages.read(stages.config.topics().events()).stream().map(EventsJson::read).toList();

            // Per object: new at 0 s, updates at 6 s and 12 s (each 5 s or more after the one before), end at frame 7.
            assertThat(events).hasSize(ids.size() * 4 + 1);
            for (long id : ids) {
                List<TrackEvent> own = events.stream().filter(TrackEvent.class::isInstance).map(e -> (TrackEvent) e)
                        .filter(e -> e.trackId() == id).toList();
                assertThat(own).extracting(TrackEvent::type).containsExactly("new", "update", "update", "end");
                assertThat(own).extracting(TrackEvent::timestamp).containsExactly(0.0, 6.0, 12.0, 12.0);
                assertThat(own.get(3).frame()).isEqualTo(7);
                assertThat(own).allSatisfy(e -> {
                    assertThat(e.firstSeen()).isZero();
                    assertThat(e.label()).isNotBlank();
                    assertThat(e.box()).hasSize(4);
                    assertThat(e.bestScore()).isPositive();
                });
            }
            assertThat(events.get(events.size() - 1)).isEqualTo(EventsEnd.of("cam", 7));
        }
    }

    @Test
    void withSnapshotsEachObjectsBestFrameGoesOutWhenItEnds() throws Exception {
        long now = System.currentTimeMillis();
        try (VisionStages stages = new VisionStages(stateDir, Map.of("vision.events.snapshots", "true"))) {
            for (int i = 0; i <= 2; i++) {
                stages.send(new ImageFrame("cam", i, i * 2_000_000L, 451, 300, false, VisionStages.SCENE), false, now);
            }
            assertThat(stages.readRecords(stages.config.topics().snapshots())).isEmpty();
            stages.send(ImageFrame.end("cam", 3), false, now);

            List<TrackEvent> ends = stages.read(stages.config.topics().events()).stream().map(EventsJson::read)
                    .filter(TrackEvent.class::isInstance).map(e -> (TrackEvent) e)
                    .filter(e -> e.type().equals(TrackEvent.END)).toList();
            List<TestRecord<String, byte[]>> snapshots = stages.readRecords(stages.config.topics().snapshots());
            assertThat(ends).isNotEmpty();
            // One per object, its id and label as its end event has them; a JPEG of the stage's image, frame 0 (the
            // same scene each frame: the first is as good as any later one).
            assertThat(snapshots).extracting(r -> Long.parseLong(RecordHeaders.text(r.headers(), RecordHeaders.TRACK_ID)))
                    .containsExactlyInAnyOrderElementsOf(ends.stream().map(TrackEvent::trackId).toList());
            for (TestRecord<String, byte[]> snapshot : snapshots) {
                TrackEvent end = ends.stream().filter(e -> e.trackId() == Long.parseLong(
                        RecordHeaders.text(snapshot.headers(), RecordHeaders.TRACK_ID))).findFirst().orElseThrow();
                assertThat(snapshot.key()).isEqualTo("cam");
                assertThat(RecordHeaders.text(snapshot.headers(), RecordHeaders.LABEL)).isEqualTo(end.label());
                assertThat(Double.parseDouble(RecordHeaders.text(snapshot.headers(), RecordHeaders.SCORE)))
                        .isEqualTo(end.bestScore());
                ImageFrame image = new ImageFrameSerde(Integer.MAX_VALUE).read(snapshot.key(), snapshot.value(),
                        snapshot.headers());
                assertThat(image.sequence()).isZero();
                assertThat(image.jpeg()).startsWith((byte) 0xFF, (byte) 0xD8);
                assertThat(ImageIO.read(new ByteArrayInputStream(image.jpeg())).getWidth()).isEqualTo(image.width());
            }
        }
    }
}
