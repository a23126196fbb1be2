package io.sensorium.processors.vision;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.TrackEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The events of a camera's tracked objects, from its frames' detections: {@code new} when an object first shows with
 * its track id, {@code update} at most every {@code updateSeconds} of the camera's time while it is seen, {@code end}
 * when the tracker no longer follows it or the stream ends. What each open object has been (first and last seen,
 * best score and its label, latest box) is kept per camera in a state store.
 */
final class TrackEvents {
    private static final int VERSION = 1;

    private final KeyValueStore<String, byte[]> store;
    private final double updateSeconds;

    TrackEvents(KeyValueStore<String, byte[]> store, double updateSeconds) {
        this.store = store;
        this.updateSeconds = updateSeconds;
    }

    /** An open object as its events describe it. */
    private static final class Seen {
        String label;
        int labelId;
        double firstSeen;
        double lastSeen;
        double bestScore;
        List<Double> box;
        double lastEvent;
    }

    /**
     * @param frame the frame's detections, with their track ids
     * @param alive the ids the tracker still follows after this frame
     */
    List<TrackEvent> frame(FrameDetections frame, Set<Long> alive) {
        Map<Long, Seen> open = load(frame.stream());
        List<TrackEvent> events = new ArrayList<>();
        for (Detection detection : frame.detections()) {
            if (detection.trackId() == null) {
                continue;
            }
            Seen seen = open.get(detection.trackId());
            if (seen == null) {
                seen = new Seen();
                seen.firstSeen = frame.timestamp();
                seen.lastEvent = frame.timestamp();
                seen.bestScore = -1;
                open.put(detection.trackId(), seen);
                see(seen, detection, frame);
                events.add(event(TrackEvent.NEW, frame.stream(), detection.trackId(), seen, frame.frame(),
                        frame.timestamp(), frame.capturedAtMs()));
                continue;
            }
            see(seen, detection, frame);
            if (frame.timestamp() - seen.lastEvent >= updateSeconds) {
                seen.lastEvent = frame.timestamp();
                events.add(event(TrackEvent.UPDATE, frame.stream(), detection.trackId(), seen, frame.frame(),
                        frame.timestamp(), frame.capturedAtMs()));
            }
        }
        open.entrySet().removeIf(entry -> {
            if (alive.contains(entry.getKey())) {
                return false;
            }
            events.add(event(TrackEvent.END, frame.stream(), entry.getKey(), entry.getValue(), frame.frame(),
                    frame.timestamp(), frame.capturedAtMs()));
            return true;
        });
        save(frame.stream(), open);
        return events;
    }

    /**
     * The camera's stream ended: its open objects end with it.
     *
     * @param frames       how many frames the stream had
     * @param capturedAtMs when ingest wrote the stream's end
     */
    List<TrackEvent> end(String camera, long frames, long capturedAtMs) {
        List<TrackEvent> events = new ArrayList<>();
        load(camera).forEach((id, seen) -> events.add(event(TrackEvent.END, camera, id, seen, frames, seen.lastSeen,
                capturedAtMs)));
        store.delete(camera);
        return events;
    }

    private static void see(Seen seen, Detection detection, FrameDetections frame) {
        seen.lastSeen = frame.timestamp();
        seen.box = detection.box();
        if (detection.score() > seen.bestScore) {
            seen.bestScore = detection.score();
            seen.label = detection.label();
            seen.labelId = detection.labelId();
        }
    }

    private static TrackEvent event(String type, String camera, long id, Seen seen, long frame, double timestamp,
                                    long capturedAtMs) {
        return new TrackEvent(TrackEvent.SCHEMA, type, camera, id, seen.label, seen.labelId, frame, timestamp,
                capturedAtMs, seen.firstSeen, seen.lastSeen, seen.bestScore, seen.box);
    }

    /** Open objects by id, in id order, so that end events come out in that order. */
    private Map<Long, Seen> load(String camera) {
        Map<Long, Seen> open = new TreeMap<>();
        byte[] saved = store.get(camera);
        if (saved == null) {
            return open;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("track events state of version " + version
                        + " is not readable by this build");
            }
            for (int i = in.readInt(); i > 0; i--) {
                long id = in.readLong();
                Seen seen = new Seen();
                seen.label = in.readUTF();
                seen.labelId = in.readInt();
                seen.firstSeen = in.readDouble();
                seen.lastSeen = in.readDouble();
                seen.bestScore = in.readDouble();
                seen.lastEvent = in.readDouble();
                seen.box = List.of(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
                open.put(id, seen);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt track events state", e);
        }
        return open;
    }

    private void save(String camera, Map<Long, Seen> open) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 96 * open.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(open.size());
            for (Map.Entry<Long, Seen> entry : open.entrySet()) {
                Seen seen = entry.getValue();
                out.writeLong(entry.getKey());
                out.writeUTF(seen.label);
                out.writeInt(seen.labelId);
                out.writeDouble(seen.firstSeen);
                out.writeDouble(seen.lastSeen);
                out.writeDouble(seen.bestScore);
                out.writeDouble(seen.lastEvent);
                for (double v : seen.box) {
                    out.writeDouble(v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.put(camera, bytes.toByteArray());
    }
}
