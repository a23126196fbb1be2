package io.sensorium.processors.vision.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ByteTrack on synthetic detections: what a camera's objects do, and the ids they should keep. */
class ByteTrackerTest {
    private static ByteTracker.Box box(double cx, double cy, double w, double h, double score) {
        return new ByteTracker.Box(new double[] {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2}, score);
    }

    @Test
    void twoObjectsCrossingKeepTheirIds() {
        ByteTracker tracker = new ByteTracker(ByteTracker.Options.DEFAULT);
        List<long[]> ids = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
            ids.add(tracker.update(List.of(box(100 + 10 * t, 200, 60, 120, 0.9), box(500 - 10 * t, 210, 60, 120, 0.85))));
        }
        assertThat(ids.get(0)).containsExactly(1, 2);
        assertThat(ids).as("no id switch as they pass each other").allSatisfy(frame -> assertThat(frame).containsExactly(1, 2));
    }

    @Test
    void anObjectHiddenForAFewFramesIsFoundAgainUnderItsId() {
        ByteTracker tracker = new ByteTracker(ByteTracker.Options.DEFAULT);
        long id = -1;
        for (int t = 0; t < 40; t++) {
            List<ByteTracker.Box> frame = 15 <= t && t < 21 ? List.of() : List.of(box(50 + 6 * t, 300, 40, 80, 0.8));
            long[] ids = tracker.update(frame);
            if (t == 0) {
                id = ids[0];
            } else if (ids.length > 0) {
                assertThat(ids[0]).as("frame %d", t).isEqualTo(id);
            }
        }
    }

    @Test
    void anObjectGonePastTheLostTrackBufferComesBackAsANewObject() {
        ByteTracker tracker = new ByteTracker(new ByteTracker.Options(0.25, 10, 0.8, 30, 1));
        long first = tracker.update(List.of(box(100, 100, 50, 50, 0.9)))[0];
        for (int t = 1; t < 5; t++) {
            tracker.update(List.of(box(100, 100, 50, 50, 0.9)));
        }
        for (int t = 0; t < 12; t++) {
            tracker.update(List.of());
        }
        tracker.update(List.of(box(100, 100, 50, 50, 0.9)));
        long[] again = tracker.update(List.of(box(100, 100, 50, 50, 0.9)));
        assertThat(again[0]).isNotEqualTo(first).isPositive();
    }

    @Test
    void aWeakDetectionKeepsATrackedObjectAndStartsNone() {
        ByteTracker tracker = new ByteTracker(ByteTracker.Options.DEFAULT);
        long id = tracker.update(List.of(box(200, 200, 80, 160, 0.9)))[0];
        for (int t = 1; t < 6; t++) {
            // The object's score dips below the activation threshold (partly hidden); a weak box elsewhere is noise.
            long[] ids = tracker.update(List.of(box(200 + 4 * t, 200, 80, 160, 0.2), box(500, 50, 30, 30, 0.2)));
            assertThat(ids).containsExactly(id, -1);
        }
    }

    @Test
    void aNewObjectGetsItsIdOnItsSecondFrameAndAOneFrameFalsePositiveNone() {
        ByteTracker tracker = new ByteTracker(ByteTracker.Options.DEFAULT);
        tracker.update(List.of(box(300, 300, 50, 100, 0.9)));
        // Tracks begun after the first frame wait for a second match before they count.
        assertThat(tracker.update(List.of(box(303, 300, 50, 100, 0.9), box(50, 50, 30, 30, 0.7)))).containsExactly(1, -1);
        assertThat(tracker.update(List.of(box(306, 300, 50, 100, 0.9), box(600, 400, 70, 70, 0.6)))).containsExactly(1, -1);
        // The false positive (id 2 reserved when its track began) is gone; the new object is confirmed as 3.
        assertThat(tracker.update(List.of(box(309, 300, 50, 100, 0.9), box(600, 395, 70, 70, 0.6)))).containsExactly(1, 3);
    }

    @Test
    void detectionsTooWeakForEitherAssociationAreLeftAlone() {
        ByteTracker tracker = new ByteTracker(ByteTracker.Options.DEFAULT);
        assertThat(tracker.update(List.of(box(100, 100, 40, 40, 0.05), box(300, 300, 40, 40, 0.3))))
                .as("0.3 is above the activation threshold, below activation + 0.1: no track").containsExactly(-1, -1);
    }
}
