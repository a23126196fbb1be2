package io.sensorium.processors.vision;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.EventsEnd;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.processors.vision.track.ByteTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each camera's {@link ByteTracker}, kept in a state store between frames (and so across restarts, by its
 * changelog): a frame's detections come back with the ids of the objects they are, and those too weak to count alone
 * that a track took; where events are asked for, what happened to the objects ({@link TrackEvents}).
 */
final class CameraTrackers {
    private final KeyValueStore<String, byte[]> store;
    private final ByteTracker.Options options;
    private final double scoreThreshold;
    /** Null where no events are written. */
    private final TrackEvents events;

    /** A frame's detections as shown, and the ids the tracker follows after it. */
    record Tracked(List<Detection> detections, Set<Long> alive) {}

    /**
     * @param scoreThreshold the score a detection needs to be shown without a track: weaker ones reach the tracker,
     *                       which may take them for a tracked object partly hidden (ByteTrack's second association)
     * @param events         the objects' events, or null for none
     */
    CameraTrackers(KeyValueStore<String, byte[]> store, ByteTracker.Options options, double scoreThreshold,
                   TrackEvents events) {
        this.store = store;
        this.options = options;
        this.scoreThreshold = scoreThreshold;
        this.events = events;
    }

    /** @param detections the frame's detections down to the tracker's lowest score, boxes in pixels */
    Tracked track(String camera, List<Detection> detections) {
        byte[] saved = store.get(camera);
        ByteTracker tracker = saved == null ? new ByteTracker(options) : ByteTracker.restore(options, saved);
        List<ByteTracker.Box> boxes = new ArrayList<>(detections.size());
        for (Detection detection : detections) {
            List<Double> b = detection.box();
            boxes.add(new ByteTracker.Box(new double[] {b.get(0), b.get(1), b.get(2), b.get(3)}, detection.score()));
        }
        long[] ids = tracker.update(boxes);
        store.put(camera, tracker.snapshot());
        List<Detection> shown = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            Detection detection = detections.get(i);
            if (ids[i] >= 0) {
                shown.add(detection.withTrackId(ids[i]));
            } else if (detection.score() > scoreThreshold) {
                shown.add(detection);
            }
        }
        return new Tracked(shown, tracker.liveIds());
    }

    /** The events topic's records for a frame whose detections {@link #track} gave: none where events are off. */
    List<Object> events(FrameDetections frame, Set<Long> alive) {
        return events == null ? List.of() : new ArrayList<>(events.frame(frame, alive));
    }

    /**
     * The camera's stream ended: its objects with it.
     *
     * @return the events topic's records for it: its open objects' end events and its end marker; none where events
     *         are off
     */
    List<Object> end(String camera, long frames, long capturedAtMs) {
        store.delete(camera);
        if (events == null) {
            return List.of();
        }
        List<Object> out = new ArrayList<>(events.end(camera, frames, capturedAtMs));
        out.add(EventsEnd.of(camera, frames));
        return out;
    }
}
