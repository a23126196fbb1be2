package io.sensorium.processors.vision;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.ImageFrame;
import io.sensorium.processors.vision.model.FrameAnnotator;
import io.sensorium.processors.vision.model.RgbImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The best frame of each tracked object so far — as JPEG, its box drawn — kept in a state store until its track ends,
 * when it goes out on the snapshots topic (Frigate's event snapshots). Encoded when the object's score rises, which it
 * does a few times early in a track and then seldom.
 */
final class TrackSnapshots {
    private static final int VERSION = 1;

    private final KeyValueStore<String, byte[]> store;

    TrackSnapshots(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** An object's best frame: the frame as the snapshots topic carries it, with what was seen in it. */
    record Snapshot(ImageFrame frame, long trackId, String label, double score) {}

    /**
     * @param best        the object's detection, its best so far, with its track id
     * @param image       the frame (any size)
     * @param frameWidth  the width the detection's box refers to
     * @param frameHeight the height it refers to
     */
    void keep(String camera, Detection best, long frame, long timestampMicros, RgbImage image, int frameWidth,
              int frameHeight) {
        byte[] jpeg = FrameAnnotator.annotate(image, frameWidth, frameHeight, List.of(best));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(jpeg.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(best.label());
            out.writeDouble(best.score());
            out.writeLong(frame);
            out.writeLong(timestampMicros);
            out.writeInt(image.width());
            out.writeInt(image.height());
            out.write(jpeg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.put(key(camera, best.trackId()), bytes.toByteArray());
    }

    /** @return the object's best frame, now forgotten; null where none was kept */
    Snapshot take(String camera, long trackId) {
        String key = key(camera, trackId);
        byte[] saved = store.get(key);
        if (saved == null) {
            return null;
        }
        store.delete(key);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("snapshot state of version " + version + " is not readable by this build");
            }
            String label = in.readUTF();
            double score = in.readDouble();
            long frame = in.readLong();
            long timestampMicros = in.readLong();
            int width = in.readInt();
            int height = in.readInt();
            byte[] jpeg = in.readAllBytes();
            return new Snapshot(new ImageFrame(camera, frame, timestampMicros, width, height, false, jpeg), trackId,
                    label, score);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt snapshot state", e);
        }
    }

    /** Track ids hold no '/', so the last one splits a key however the camera id is spelt. */
    private static String key(String camera, long trackId) {
        return camera + "/" + trackId;
    }
}
