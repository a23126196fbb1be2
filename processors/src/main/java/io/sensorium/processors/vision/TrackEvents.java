package io.sensorium.processors.vision;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.TrackEvent;
import io.sensorium.processors.vision.track.Zone;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The events of a camera's tracked objects, from its frames' detections: {@code new} when an object first shows with
 * its track id, {@code update} at most every {@code updateSeconds} of the camera's time while it is seen, {@code end}
 * when the tracker no longer follows it or the stream ends; {@code entered} and {@code left} as it comes into and
 * out of its camera's zones (leaving them all when it ends). What each open object has been (first and last seen,
 * best score and its label, latest box, the zones it is in) is kept per camera in a state store.
 */
final class TrackEvents {
    /** 2 added the zones an object is in; state of version 1 (none) is read as in none. */
    private static final int VERSION = 2;

    private final KeyValueStore<String, byte[]> store;
    private final double updateSeconds;
    private final Map<String, List<Zone>> zones;

    /** A frame's events, and its detections that are now the best their objects have had (for their snapshots). */
    record Found(List<TrackEvent> events, List<Detection> bestShots) {}

    /** @param zones each camera's zones; cameras without any are not looked up */
    TrackEvents(KeyValueStore<String, byte[]> store, double updateSeconds, Map<String, List<Zone>> zones) {
        this.store = store;
        this.updateSeconds = updateSeconds;
        this.zones = zones;
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
        /** The names of the zones it is in, in the order it entered them. */
        final Set<String> in = new LinkedHashSet<>();
    }

    /**
     * @param frame the frame's detections, with their track ids
     * @param alive the ids the tracker still follows after this frame
     */
    Found frame(FrameDetections frame, Set<Long> alive) {
        Map<Long, Seen> open = load(frame.stream());
        List<Zone> cameraZones = zones.getOrDefault(frame.stream(), List.of());
        List<TrackEvent> events = new ArrayList<>();
        List<Detection> bestShots = new ArrayList<>();
        for (Detection detection : frame.detections()) {
            if (detection.trackId() == null) {
                continue;
            }
            Seen seen = open.get(detection.trackId());
            boolean first = seen == null;
            if (first) {
                seen = new Seen();
                seen.firstSeen = frame.timestamp();
                seen.lastEvent = frame.timestamp();
                seen.bestScore = -1;
                open.put(detection.trackId(), seen);
            }
            if (see(seen, detection, frame)) {
                bestShots.add(detection);
            }
            if (first) {
                events.add(event(TrackEvent.NEW, frame, detection.trackId(), seen, null));
            } else if (frame.timestamp() - seen.lastEvent >= updateSeconds) {
                seen.lastEvent = frame.timestamp();
                events.add(event(TrackEvent.UPDATE, frame, detection.trackId(), seen, null));
            }
            for (Zone zone : cameraZones) {
                boolean inside = zone.holds(detection.box(), frame.width(), frame.height());
                if (inside ? seen.in.add(zone.name()) : seen.in.remove(zone.name())) {
                    events.add(event(inside ? TrackEvent.ENTERED : TrackEvent.LEFT, frame, detection.trackId(), seen,
                            zone.name()));
                }
            }
        }
        open.entrySet().removeIf(entry -> {
            if (alive.contains(entry.getKey())) {
                return false;
            }
            events.addAll(ending(frame.stream(), entry.getKey(), entry.getValue(), frame.frame(), frame.timestamp(),
                    frame.capturedAtMs()));
            return true;
        });
        save(frame.stream(), open);
        return new Found(events, bestShots);
    }

    /**
     * The camera's stream ended: its open objects end with it.
     *
     * @param frames       how many frames the stream had
     * @param capturedAtMs when ingest wrote the stream's end
     */
    List<TrackEvent> end(String camera, long frames, long capturedAtMs) {
        List<TrackEvent> events = new ArrayList<>();
        load(camera).forEach((id, seen) -> events.addAll(ending(camera, id, seen, frames, seen.lastSeen,
                capturedAtMs)));
        store.delete(camera);
        return events;
    }

    /** An object's last events: it leaves the zones it is in, then ends. */
    private static List<TrackEvent> ending(String camera, long id, Seen seen, long frame, double timestamp,
                                           long capturedAtMs) {
        List<TrackEvent> events = new ArrayList<>();
        for (String zone : seen.in) {
            events.add(event(TrackEvent.LEFT, camera, id, seen, frame, timestamp, capturedAtMs, zone));
        }
        events.add(event(TrackEvent.END, camera, id, seen, frame, timestamp, capturedAtMs, null));
        return events;
    }

    /** @return whether the detection is the best the object has had */
    private static boolean see(Seen seen, Detection detection, FrameDetections frame) {
        seen.lastSeen = frame.timestamp();
        seen.box = detection.box();
        if (detection.score() > seen.bestScore) {
            seen.bestScore = detection.score();
            seen.label = detection.label();
            seen.labelId = detection.labelId();
            return true;
        }
        return false;
    }

    private static TrackEvent event(String type, FrameDetections frame, long id, Seen seen, String zone) {
        return event(type, frame.stream(), id, seen, frame.frame(), frame.timestamp(), frame.capturedAtMs(), zone);
    }

    private static TrackEvent event(String type, String camera, long id, Seen seen, long frame, double timestamp,
                                    long capturedAtMs, String zone) {
        return new TrackEvent(TrackEvent.SCHEMA, type, camera, id, seen.label, seen.labelId, frame, timestamp,
                capturedAtMs, seen.firstSeen, seen.lastSeen, seen.bestScore, seen.box, zone);
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
            if (version != VERSION && version != 1) {
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
                for (int zone = version == 1 ? 0 : in.readInt(); zone > 0; zone--) {
                    seen.in.add(in.readUTF());
                }
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
                out.writeInt(seen.in.size());
                for (String zone : seen.in) {
                    out.writeUTF(zone);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.put(camera, bytes.toByteArray());
    }
}
