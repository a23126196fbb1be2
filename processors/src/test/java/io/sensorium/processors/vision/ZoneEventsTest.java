package io.sensorium.processors.vision;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.TrackEvent;
import io.sensorium.processors.vision.track.Zone;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Zone events as an object walks: into a zone, out of it, back in, and gone — each crossing of its box's bottom centre
 * is one event, its end leaves the zone first, and what it is in survives the state being read back (each frame
 * loads and saves it, as across a restart).
 */
class ZoneEventsTest {
    private static final int SIZE = 100;
    /** The left half of the frame's lower half. */
    private static final Zone DOOR = new Zone("door", List.of(List.of(0.0, 0.5), List.of(0.5, 0.5),
            List.of(0.5, 0.9), List.of(0.0, 0.9)));
    /** The whole frame's right half. */
    private static final Zone YARD = new Zone("yard", List.of(List.of(0.5, 0.0), List.of(1.0, 0.0),
            List.of(1.0, 1.0), List.of(0.5, 1.0)));

    private TrackEvents events;

    @BeforeEach
    void store() {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("events"),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        MockProcessorContext<String, byte[]> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        events = new TrackEvents(store, 5, Map.of("cam", List.of(DOOR, YARD)));
    }

    @Test
    void crossingsOfTheBoxesBottomCentreAreEnteredAndLeftAndAnEndLeavesFirst() {
        List<TrackEvent> seen = new ArrayList<>();
        // Bottom centres: (15, 60) door, (35, 60) door, (65, 60) yard, (25, 60) door again.
        int[] lefts = {10, 30, 60, 20};
        for (int i = 0; i < lefts.length; i++) {
            seen.addAll(events.frame(frame(i, person(lefts[i], 0.9)), Set.of(7L)).events());
        }
        seen.addAll(events.frame(frame(4, List.of()), Set.of()).events());

        assertThat(seen).extracting(e -> e.type() + (e.zone() == null ? "" : " " + e.zone())).containsExactly(
                "new", "entered door", "left door", "entered yard", "entered door", "left yard", "left door", "end");
        assertThat(seen.get(3).frame()).isEqualTo(2);
        assertThat(seen.get(3).box()).containsExactly(60.0, 20.0, 70.0, 60.0);
        assertThat(seen.get(6).frame()).isEqualTo(4);
    }

    @Test
    void aCamerasOwnZonesOnlyAndAnObjectStandingStillEntersOnce() {
        List<TrackEvent> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            seen.addAll(events.frame(frame(i, person(10, 0.9)), Set.of(7L)).events());
            seen.addAll(events.frame(FrameDetections.of("other", i, i, 0, "m", FrameDetections.OBJECT_DETECTION, SIZE,
                    SIZE, person(10, 0.9)), Set.of(7L)).events());
        }
        assertThat(seen).extracting(e -> e.stream() + " " + e.type() + (e.zone() == null ? "" : " " + e.zone()))
                .containsExactly("cam new", "cam entered door", "other new");
    }

    @Test
    void theBestDetectionsAreReportedForSnapshots() {
        assertThat(events.frame(frame(0, person(10, 0.6)), Set.of(7L)).bestShots()).hasSize(1);
        assertThat(events.frame(frame(1, person(12, 0.5)), Set.of(7L)).bestShots()).isEmpty();
        assertThat(events.frame(frame(2, person(14, 0.8)), Set.of(7L)).bestShots())
                .extracting(Detection::score).containsExactly(0.8);
    }

    private static List<Detection> person(int left, double score) {
        return List.of(new Detection("person", 1, score, List.of((double) left, 20.0, left + 10.0, 60.0), 7L));
    }

    private static FrameDetections frame(int i, List<Detection> detections) {
        return FrameDetections.of("cam", i, i * 0.1, 1_000L + i, "m", FrameDetections.OBJECT_DETECTION, SIZE, SIZE,
                detections);
    }
}
