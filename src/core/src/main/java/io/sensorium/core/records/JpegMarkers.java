package io.sensorium.core.records;

/**
 * The walk along a JPEG's marker segments to its start-of-frame marker, where the image's precision, size and
 * components are declared: what ingest checks before publishing a frame and the vision stages before decoding one.
 */
public final class JpegMarkers {
    private JpegMarkers() {}

    /**
     * @param end where the JPEG's bytes end (trailing padding left out)
     * @return the offset of the first start-of-frame marker (SOF0-SOF15, not DHT, JPG or DAC) with its size fields
     *         whole before {@code end}, or -1 when the marker chain breaks or ends before one
     */
    public static int startOfFrame(byte[] jpeg, int end) {
        int pos = 2;
        while (pos + 4 <= end) {
            if ((jpeg[pos] & 0xff) != 0xFF) {
                return -1;
            }
            int marker = jpeg[pos + 1] & 0xff;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return pos + 9 <= end ? pos : -1;
            }
            int length = (jpeg[pos + 2] & 0xff) << 8 | (jpeg[pos + 3] & 0xff);
            if (length < 2) {
                return -1;
            }
            pos += 2 + length;
        }
        return -1;
    }

    /** The 16-bit big-endian number at {@code at}, as JPEG headers write sizes and lengths. */
    public static int u16(byte[] jpeg, int at) {
        return (jpeg[at] & 0xff) << 8 | (jpeg[at + 1] & 0xff);
    }
}
