package io.sensorium.processors.vision;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.EventsEnd;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.TrackEvent;
import io.sensorium.processors.vision.model.RgbImage;
import io.sensorium.processors.vision.track.ByteTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each camera's {@link ByteTracker}, kept in a state store between frames (and so across restarts, by its
 * changelog): a frame's detections come back with the ids of the objects they are, and those too weak to count alone
 * that a track took; where events are asked for, what happened to the objects ({@link TrackEvents}), and where
 * snapshots are, each object's best frame when it ends ({@link TrackSnapshots}).
 */
final class CameraTrackers {
    private final KeyValueStore<String, byte[]> store;
    private final ByteTracker.Options options;
    private final double scoreThreshold;
    /** Null where no events are written. */
    private final TrackEvents events;
    /** Null where no snapshots are taken. */
    private final TrackSnapshots snapshots;

    /** A frame's detections as shown, and the ids the tracker follows after it. */
    record Tracked(List<Detection> detections, Set<Long> alive) {}

    /** What a frame or a stream's end has to say: the events topic's records, and the ended objects' snapshots. */
    record Said(List<Object> events, List<TrackSnapshots.Snapshot> snapshots) {
        static final Said NOTHING = new Said(List.of(), List.of());
    }

    /**
     * @param scoreThreshold the score a detection needs to be shown without a track: weaker ones reach the tracker,
     *                       which may take them for a tracked object partly hidden (ByteTrack's second association)
     * @param events         the objects' events, or null for none
     * @param snapshots      the objects' best frames, or null for none (taken only where there are events)
     */
    CameraTrackers(KeyValueStore<String, byte[]> store, ByteTracker.Options options, double scoreThreshold,
                   TrackEvents events, TrackSnapshots snapshots) {
        this.store = store;
        this.options = options;
        this.scoreThreshold = scoreThreshold;
        this.events = events;
        this.snapshots = events == null ? null : snapshots;
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

    /**
     * What a frame whose detections {@link #track} gave says: nothing where events are off.
     *
     * @param image the frame, drawn on only where an object has its best detection yet and snapshots are on
     */
    Said events(FrameDetections frame, Set<Long> alive, Supplier<RgbImage> image) {
        if (events == null) {
            return Said.NOTHING;
        }
        TrackEvents.Found found = events.frame(frame, alive);
        if (snapshots != null) {
            for (Detection best : found.bestShots()) {
                snapshots.keep(frame.stream(), best, frame.frame(), Math.round(frame.timestamp() * 1e6), image.get(),
                        frame.width(), frame.height());
            }
        }
        return said(frame.stream(), new ArrayList<>(found.events()));
    }

    /** The events, and the snapshots of the objects they end. */
    private Said said(String camera, List<Object> records) {
        List<TrackSnapshots.Snapshot> taken = new ArrayList<>();
        if (snapshots != null) {
            for (Object record : records) {
                if (record instanceof TrackEvent event && event.type().equals(TrackEvent.END)) {
                    TrackSnapshots.Snapshot snapshot = snapshots.take(camera, event.trackId());
                    if (snapshot != null) {
                        taken.add(snapshot);
                    }
                }
            }
        }
        return new Said(records, taken);
    }

    /**
     * The camera's stream ended: its objects with it.
     *
     * @return what it says: its open objects' events and their snapshots, and the events' end marker; nothing
     *         where events are off
     */
    Said end(String camera, long frames, long capturedAtMs) {
        store.delete(camera);
        if (events == null) {
            return Said.NOTHING;
        }
        List<Object> out = new ArrayList<>(events.end(camera, frames, capturedAtMs));
        out.add(EventsEnd.of(camera, frames));
        return said(camera, out);
    }
}
