package io.sensorium.processors.vision;

import io.sensorium.core.records.InvalidRecordException;

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
        int pos = 2;
        while (pos + 4 <= end) {
            if ((jpeg[pos] & 0xff) != 0xFF) {
                throw new InvalidRecordException("corrupt JPEG: no marker at byte " + pos);
            }
            int marker = jpeg[pos + 1] & 0xff;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            int length = ((jpeg[pos + 2] & 0xff) << 8) | (jpeg[pos + 3] & 0xff);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame) {
                if (pos + 9 > end) {
                    break;
                }
                int height = ((jpeg[pos + 5] & 0xff) << 8) | (jpeg[pos + 6] & 0xff);
                int width = ((jpeg[pos + 7] & 0xff) << 8) | (jpeg[pos + 8] & 0xff);
                if (width == 0 || height == 0) {
                    throw new InvalidRecordException("JPEG declares a zero size " + width + "x" + height);
                }
                return new JpegHeader(width, height);
            }
            if (length < 2) {
                throw new InvalidRecordException("corrupt JPEG: marker segment of length " + length + " at byte " + pos);
            }
            pos += 2 + length;
        }
        throw new InvalidRecordException("corrupt JPEG: no start-of-frame marker");
    }
}
