package io.sensorium.processors.vision.model;

import io.sensorium.core.records.InvalidRecordException;
import io.sensorium.core.records.JpegMarkers;

/**
 * The size a JPEG declares, read from its start-of-frame marker without decoding, so that a frame claiming to be
 * enormous is refused before a decoder allocates for it, and a truncated one (no end-of-image marker) before a
 * decoder fills its missing rows with grey.
 */
public record JpegHeader(int width, int height) {

    /** @throws InvalidRecordException when the bytes are not a complete JPEG */
    public static JpegHeader read(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8) {
            throw new InvalidRecordException("not a JPEG: it does not start with the SOI marker");
        }
        int end = jpeg.length;
        while (end > 2 && jpeg[end - 1] == 0) {
            end--; // some encoders pad the stream with zeros after the end marker
        }
        if ((jpeg[end - 2] & 0xff) != 0xFF || (jpeg[end - 1] & 0xff) != 0xD9) {
            throw new InvalidRecordException("truncated JPEG: no end-of-image marker after " + jpeg.length + " bytes");
        }
        int frame = JpegMarkers.startOfFrame(jpeg, end);
        if (frame < 0) {
            throw new InvalidRecordException("corrupt JPEG: no start-of-frame marker");
        }
        int height = JpegMarkers.u16(jpeg, frame + 5);
        int width = JpegMarkers.u16(jpeg, frame + 7);
        if (width == 0 || height == 0) {
            throw new InvalidRecordException("JPEG declares a zero size " + width + "x" + height);
        }
        return new JpegHeader(width, height);
    }
}
