package io.sensorium.processors.vision.track;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ByteTrack (Zhang et al., ECCV 2022) for one camera, step for step as the reference implementation that
 * supervision 0.25 ships ({@code sv.ByteTrack}), so that the same detections get the same ids: each frame the
 * tracks' boxes are predicted by their Kalman filters; detections above the activation threshold are matched to the
 * tracked and lost tracks by IoU weighted by score, then the tracks left over to the weaker detections (0.1 to the
 * threshold) by IoU alone, so that an object whose score dips behind an occlusion keeps its track; tracks begun in the
 * last frame are confirmed by a match or dropped; detections left over start tracks; a track unmatched for
 * {@code lostTrackBuffer} frames (at 30 fps) ends. Objects keep their class-agnostic track whatever their label.
 */
public final class ByteTracker {
    /** Detections at or below this score are noise even to the second association (ByteTrack's 0.1). */
    public static final double LOW_SCORE = 0.1;
    private static final double SECOND_MATCH_THRESHOLD = 0.5;
    private static final double UNCONFIRMED_MATCH_THRESHOLD = 0.7;
    private static final double DUPLICATE_DISTANCE = 0.15;

    /**
     * @param activationThreshold     detections above it are matched first and may start tracks (0.25)
     * @param lostTrackBuffer         frames, at 30 fps, a lost track waits to be found again (30)
     * @param matchingThreshold       the highest cost, 1 - IoU x score, of a first-association match (0.8)
     * @param frameRate               the camera's frames per second, which scales the buffer (30)
     * @param minimumConsecutiveFrames matches a new track needs before it gets its id (1)
     */
    public record Options(double activationThreshold, int lostTrackBuffer, double matchingThreshold, double frameRate,
                          int minimumConsecutiveFrames) {
        public static final Options DEFAULT = new Options(0.25, 30, 0.8, 30, 1);

        public Options {
            if (!(activationThreshold > 0 && activationThreshold < 1)) {
                throw new IllegalArgumentException("track activation threshold must be between 0 and 1, not "
                        + activationThreshold);
            }
            if (lostTrackBuffer < 0 || !(frameRate > 0) || minimumConsecutiveFrames < 1) {
                throw new IllegalArgumentException("lost track buffer " + lostTrackBuffer + " must be 0 or more, frame"
                        + " rate " + frameRate + " above 0, minimum consecutive frames " + minimumConsecutiveFrames
                        + " at least 1");
            }
            if (!(matchingThreshold > 0 && matchingThreshold <= 1)) {
                throw new IllegalArgumentException("matching threshold must be above 0 and at most 1, not "
                        + matchingThreshold);
            }
        }

        /** The frames a lost track is kept: the buffer counts frames at 30 fps. */
        int maxTimeLost() {
            return (int) (frameRate / 30.0 * lostTrackBuffer);
        }
    }

    /** A detection as the tracker takes it: {@code [x1, y1, x2, y2]} and score. */
    public record Box(double[] xyxy, double score) {}

    private static final int VERSION = 1;

    private final Options options;
    private long frame;
    private int nextInternalId;
    private long nextId = 1;
    private List<Track> tracked = new ArrayList<>();
    private List<Track> lost = new ArrayList<>();
    private List<Track> removed = new ArrayList<>();

    public ByteTracker(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /**
     * Takes the next frame's detections.
     *
     * @return for each detection, in order, the id of the track it belongs to, or -1 where it belongs to none that
     *         counts as an object yet (a new track waiting for its confirming frame, or a weak detection no track
     *         took)
     */
    public long[] update(List<Box> boxes) {
        frame++;
        List<Track> activatedNow = new ArrayList<>();
        List<Track> refound = new ArrayList<>();
        List<Track> lostNow = new ArrayList<>();
        List<Track> removedNow = new ArrayList<>();
        List<Track> strong = new ArrayList<>();
        List<Track> weak = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            Box box = boxes.get(i);
            if (box.score() > options.activationThreshold()) {
                strong.add(new Track(box.xyxy(), box.score(), i));
            } else if (box.score() > LOW_SCORE && box.score() < options.activationThreshold()) {
                weak.add(new Track(box.xyxy(), box.score(), i));
            }
        }
        for (Track track : tracked) {
            track.detection = -1;
        }
        for (Track track : lost) {
            track.detection = -1;
        }
        List<Track> unconfirmed = new ArrayList<>();
        List<Track> confirmed = new ArrayList<>();
        for (Track track : tracked) {
            (track.activated ? confirmed : unconfirmed).add(track);
        }

        // First association: the strong detections to the tracked and the lost tracks, by IoU x score.
        List<Track> pool = joint(confirmed, lost);
        for (Track track : pool) {
            double[] mean = track.state.mean().clone();
            if (track.status != Track.Status.TRACKED) {
                mean[7] = 0;
            }
            track.state = BoxKalmanFilter.predict(new BoxKalmanFilter.State(mean, track.state.covariance()));
        }
        Matching first = Matching.of(fuseScore(iouDistance(pool, strong), strong), strong.size(),
                options.matchingThreshold());
        for (int[] match : first.matches()) {
            take(pool.get(match[0]), strong.get(match[1]), activatedNow, refound);
        }

        // Second association: what is left of the tracked ones to the weak detections, by IoU alone.
        List<Track> remaining = new ArrayList<>();
        for (int t : first.unmatchedRows()) {
            if (pool.get(t).status == Track.Status.TRACKED) {
                remaining.add(pool.get(t));
            }
        }
        Matching second = Matching.of(iouDistance(remaining, weak), weak.size(), SECOND_MATCH_THRESHOLD);
        for (int[] match : second.matches()) {
            take(remaining.get(match[0]), weak.get(match[1]), activatedNow, refound);
        }
        for (int t : second.unmatchedRows()) {
            Track track = remaining.get(t);
            if (track.status != Track.Status.LOST) {
                track.status = Track.Status.LOST;
                lostNow.add(track);
            }
        }

        // Tracks begun in the last frame: confirmed by a strong detection left over, or dropped.
        List<Track> left = new ArrayList<>();
        for (int d : first.unmatchedColumns()) {
            left.add(strong.get(d));
        }
        Matching third = Matching.of(fuseScore(iouDistance(unconfirmed, left), left), left.size(),
                UNCONFIRMED_MATCH_THRESHOLD);
        for (int[] match : third.matches()) {
            Track track = unconfirmed.get(match[0]);
            update(track, left.get(match[1]));
            activatedNow.add(track);
        }
        for (int t : third.unmatchedRows()) {
            Track track = unconfirmed.get(t);
            track.status = Track.Status.REMOVED;
            removedNow.add(track);
        }

        // New tracks from the strong detections still left, strong enough.
        for (int d : third.unmatchedColumns()) {
            Track track = left.get(d);
            if (track.score >= options.activationThreshold() + 0.1) {
                activate(track);
                activatedNow.add(track);
            }
        }

        for (Track track : lost) {
            if (frame - track.frame > options.maxTimeLost()) {
                track.status = Track.Status.REMOVED;
                removedNow.add(track);
            }
        }
        List<Track> stillTracked = new ArrayList<>();
        for (Track track : tracked) {
            if (track.status == Track.Status.TRACKED) {
                stillTracked.add(track);
            }
        }
        tracked = joint(joint(stillTracked, activatedNow), refound);
        lost = subtract(lost, tracked);
        lost.addAll(lostNow);
        // As the reference does: the tracks removed in the previous frame leave the lost list only now.
        lost = subtract(lost, removed);
        removed = removedNow;
        removeDuplicates();

        long[] ids = new long[boxes.size()];
        Arrays.fill(ids, -1);
        for (Track track : tracked) {
            if (track.activated && track.detection >= 0) {
                ids[track.detection] = track.id;
            }
        }
        return ids;
    }

    /** The ids of the objects the tracker still follows: seen in the last frame, or lost within the buffer. */
    public Set<Long> liveIds() {
        Set<Long> ids = new HashSet<>();
        for (List<Track> list : List.of(tracked, lost)) {
            for (Track track : list) {
                if (track.activated && track.status != Track.Status.REMOVED && track.id >= 0) {
                    ids.add(track.id);
                }
            }
        }
        return ids;
    }

    /** The tracker's whole state, for a state store: a tracker {@link #restore}d from it goes on exactly as this one. */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(frame);
            out.writeInt(nextInternalId);
            out.writeLong(nextId);
            // A track may be in two lists (one removed in the last frame is still lost): each is written once.
            Map<Integer, Track> all = new LinkedHashMap<>();
            for (List<Track> list : List.of(tracked, lost, removed)) {
                list.forEach(track -> all.putIfAbsent(track.internalId, track));
            }
            out.writeInt(all.size());
            for (Track track : all.values()) {
                track.write(out);
            }
            for (List<Track> list : List.of(tracked, lost, removed)) {
                out.writeInt(list.size());
                for (Track track : list) {
                    out.writeInt(track.internalId);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The tracker {@link #snapshot()} saved, going on under {@code options}. */
    public static ByteTracker restore(Options options, byte[] snapshot) {
        ByteTracker tracker = new ByteTracker(options);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("tracker state of version " + version + " is not readable by this build");
            }
            tracker.frame = in.readLong();
            tracker.nextInternalId = in.readInt();
            tracker.nextId = in.readLong();
            Map<Integer, Track> all = new HashMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                Track track = Track.read(in);
                all.put(track.internalId, track);
            }
            tracker.tracked = readList(in, all);
            tracker.lost = readList(in, all);
            tracker.removed = readList(in, all);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt tracker state", e);
        }
        return tracker;
    }

    private static List<Track> readList(DataInputStream in, Map<Integer, Track> all) throws IOException {
        List<Track> list = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            list.add(all.get(in.readInt()));
        }
        return list;
    }

    /** A match of an association: a tracked track goes on, a lost one is found again. */
    private void take(Track track, Track detection, List<Track> goingOn, List<Track> foundAgain) {
        if (track.status == Track.Status.TRACKED) {
            update(track, detection);
            goingOn.add(track);
        } else {
            reactivate(track, detection);
            foundAgain.add(track);
        }
    }

    private void activate(Track track) {
        track.internalId = nextInternalId++;
        track.state = BoxKalmanFilter.initiate(Track.xyah(track.detectedBox));
        track.length = 0;
        track.status = Track.Status.TRACKED;
        if (frame == 1) {
            track.activated = true;
        }
        if (options.minimumConsecutiveFrames() == 1) {
            track.id = nextId++;
        }
        track.frame = frame;
        track.startFrame = frame;
    }

    private void update(Track track, Track detection) {
        track.frame = frame;
        track.length++;
        track.state = BoxKalmanFilter.update(track.state, Track.xyah(detection.box()));
        track.status = Track.Status.TRACKED;
        if (track.length == options.minimumConsecutiveFrames()) {
            track.activated = true;
            if (track.id == -1) {
                track.id = nextId++;
            }
        }
        track.score = detection.score;
        track.detection = detection.detection;
    }

    private void reactivate(Track track, Track detection) {
        track.state = BoxKalmanFilter.update(track.state, Track.xyah(detection.box()));
        track.length = 0;
        track.status = Track.Status.TRACKED;
        track.frame = frame;
        track.score = detection.score;
        track.detection = detection.detection;
    }

    /** Of a tracked and a lost track nearly on top of each other, the one followed for fewer frames goes. */
    private void removeDuplicates() {
        double[][] distance = iouDistance(tracked, lost);
        Set<Integer> dropTracked = new HashSet<>();
        Set<Integer> dropLost = new HashSet<>();
        for (int a = 0; a < tracked.size(); a++) {
            for (int b = 0; b < lost.size(); b++) {
                if (distance[a][b] < DUPLICATE_DISTANCE) {
                    long timeA = tracked.get(a).frame - tracked.get(a).startFrame;
                    long timeB = lost.get(b).frame - lost.get(b).startFrame;
                    if (timeA > timeB) {
                        dropLost.add(b);
                    } else {
                        dropTracked.add(a);
                    }
                }
            }
        }
        tracked = without(tracked, dropTracked);
        lost = without(lost, dropLost);
    }

    private static List<Track> without(List<Track> tracks, Set<Integer> indices) {
        List<Track> kept = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            if (!indices.contains(i)) {
                kept.add(tracks.get(i));
            }
        }
        return kept;
    }

    /** Both lists in order, a track in both once. */
    private static List<Track> joint(List<Track> a, List<Track> b) {
        Map<Integer, Track> byId = new LinkedHashMap<>();
        for (Track track : a) {
            byId.putIfAbsent(track.internalId, track);
        }
        for (Track track : b) {
            byId.putIfAbsent(track.internalId, track);
        }
        return new ArrayList<>(byId.values());
    }

    private static List<Track> subtract(List<Track> a, List<Track> b) {
        Map<Integer, Track> byId = new LinkedHashMap<>();
        for (Track track : a) {
            byId.put(track.internalId, track);
        }
        for (Track track : b) {
            byId.remove(track.internalId);
        }
        return new ArrayList<>(byId.values());
    }

    static double[][] iouDistance(List<Track> a, List<Track> b) {
        double[][] cost = new double[a.size()][b.size()];
        for (int i = 0; i < a.size(); i++) {
            double[] boxA = a.get(i).box();
            for (int j = 0; j < b.size(); j++) {
                cost[i][j] = 1 - iou(boxA, b.get(j).box());
            }
        }
        return cost;
    }

    private static double[][] fuseScore(double[][] cost, List<Track> detections) {
        for (double[] row : cost) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 1 - (1 - row[j]) * detections.get(j).score;
            }
        }
        return cost;
    }

    static double iou(double[] a, double[] b) {
        double w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = w * h;
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union > 0 ? inter / union : 0;
    }

    /** An assignment cut at a cost threshold (ByteTrack's linear_assignment): pairs above it are not matches. */
    private record Matching(List<int[]> matches, List<Integer> unmatchedRows, List<Integer> unmatchedColumns) {
        /** @param columns the detections: {@code cost} has no row to tell them by where there is no track */
        static Matching of(double[][] cost, int columns, double threshold) {
            int rows = cost.length;
            List<int[]> matches = new ArrayList<>();
            boolean[] rowMatched = new boolean[rows];
            boolean[] columnMatched = new boolean[columns];
            if (rows > 0 && columns > 0) {
                double[][] capped = new double[rows][];
                for (int i = 0; i < rows; i++) {
                    capped[i] = cost[i].clone();
                    for (int j = 0; j < columns; j++) {
                        if (capped[i][j] > threshold) {
                            capped[i][j] = threshold + 1e-4;
                        }
                    }
                }
                int[] assigned = LinearAssignment.solve(capped);
                for (int i = 0; i < rows; i++) {
                    int j = assigned[i];
                    if (j >= 0 && capped[i][j] <= threshold) {
                        matches.add(new int[] {i, j});
                        rowMatched[i] = true;
                        columnMatched[j] = true;
                    }
                }
            }
            return new Matching(matches, unmatched(rowMatched), unmatched(columnMatched));
        }

        private static List<Integer> unmatched(boolean[] matched) {
            List<Integer> indices = new ArrayList<>();
            for (int i = 0; i < matched.length; i++) {
                if (!matched[i]) {
                    indices.add(i);
                }
            }
            return indices;
        }
    }
}
