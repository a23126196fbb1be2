package io.sensorium.core.records;

/**
 * One JPEG-encoded frame of a camera or video stream, or the stream's end marker.
 *
 * @param streamId        camera or stream id; also the record key, so one camera stays in one partition
 * @param sequence        0, 1, 2... per stream, over the frames ingest published (after any fps sampling)
 * @param timestampMicros the frame's presentation time in microseconds from the start of its source (0 for a
 *                        still image)
 * @param width           pixels, as encoded in the JPEG
 * @param height          pixels, as encoded in the JPEG
 * @param endOfStream     true on the end marker, which carries no image
 * @param jpeg            the encoded image; empty on the end marker
 */
public record ImageFrame(String streamId, long sequence, long timestampMicros, int width, int height,
                         boolean endOfStream, byte[] jpeg) {

    public static ImageFrame end(String streamId, long sequence) {
        return new ImageFrame(streamId, sequence, 0, 0, 0, true, new byte[0]);
    }
}
