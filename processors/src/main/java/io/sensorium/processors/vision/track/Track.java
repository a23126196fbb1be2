package io.sensorium.processors.vision.track;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * One object a {@link ByteTracker} follows (ByteTrack's STrack): its box's Kalman state, where it is in its life, and
 * the ids it goes by.
 */
final class Track {
    enum Status { NEW, TRACKED, LOST, REMOVED }

    /** The tracker's own numbering of every track it started, never shown. */
    int internalId = -1;
    /** The id users see ({@code track_id}), given once the track counts as an object; -1 before. */
    long id = -1;
    Status status = Status.NEW;
    boolean activated;
    /** Frames numbered from 1 per camera: where the track began and where it was last updated. */
    long startFrame;
    long frame;
    /** Updates since it was (re)activated. */
    int length;
    double score;
    /** Its box until it has a Kalman state: {@code [x1, y1, x2, y2]}. */
    final double[] detectedBox;
    BoxKalmanFilter.State state;
    /** The index of the detection that updated it in the current frame, -1 where none did. */
    int detection = -1;

    Track(double[] box, double score, int detection) {
        this.detectedBox = box.clone();
        this.score = score;
        this.detection = detection;
    }

    /** {@code [x1, y1, x2, y2]}: the Kalman state's box, or the detected box before it has one. */
    double[] box() {
        if (state == null) {
            return detectedBox.clone();
        }
        double[] m = state.mean();
        double w = m[2] * m[3];
        double h = m[3];
        return new double[] {m[0] - w / 2, m[1] - h / 2, m[0] + w / 2, m[1] + h / 2};
    }

    /** Writes all of it but {@link #detection}, which only holds within a frame. */
    void write(DataOutputStream out) throws IOException {
        out.writeInt(internalId);
        out.writeLong(id);
        out.writeByte(status.ordinal());
        out.writeBoolean(activated);
        out.writeLong(startFrame);
        out.writeLong(frame);
        out.writeInt(length);
        out.writeDouble(score);
        for (double v : detectedBox) {
            out.writeDouble(v);
        }
        out.writeBoolean(state != null);
        if (state != null) {
            for (double v : state.mean()) {
                out.writeDouble(v);
            }
            for (double[] row : state.covariance()) {
                for (double v : row) {
                    out.writeDouble(v);
                }
            }
        }
    }

    static Track read(DataInputStream in) throws IOException {
        int internalId = in.readInt();
        long id = in.readLong();
        Status status = Status.values()[in.readByte()];
        boolean activated = in.readBoolean();
        long startFrame = in.readLong();
        long frame = in.readLong();
        int length = in.readInt();
        double score = in.readDouble();
        double[] box = new double[4];
        for (int i = 0; i < box.length; i++) {
            box[i] = in.readDouble();
        }
        Track track = new Track(box, score, -1);
        track.internalId = internalId;
        track.id = id;
        track.status = status;
        track.activated = activated;
        track.startFrame = startFrame;
        track.frame = frame;
        track.length = length;
        if (in.readBoolean()) {
            double[] mean = new double[BoxKalmanFilter.DIM];
            double[][] covariance = new double[BoxKalmanFilter.DIM][BoxKalmanFilter.DIM];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = in.readDouble();
            }
            for (double[] row : covariance) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = in.readDouble();
                }
            }
            track.state = new BoxKalmanFilter.State(mean, covariance);
        }
        return track;
    }

    static double[] xyah(double[] box) {
        double w = box[2] - box[0];
        double h = box[3] - box[1];
        return new double[] {box[0] + w / 2, box[1] + h / 2, w / h, h};
    }
}
