package io.sensorium.ingest.video;

import io.sensorium.core.records.JpegMarkers;
import java.util.Optional;

/**
 * The size an image file declares in its header, read without decoding: a decoder allocates the whole image as
 * soon as it has read the header, so a file claiming 60000x60000 pixels must be refused before one sees it.
 * Knows the still-image formats ingest reads: JPEG, PNG, GIF, BMP, TIFF and WebP.
 */
record ImageSize(long width, long height) {
    static final String FORMATS = "JPEG, PNG, GIF, BMP, TIFF or WebP";

    long pixels() {
        return width * height;
    }

    /** @throws FrameSourceException naming {@code source} when the size is empty or over {@code maxPixels} */
    void requireWithin(long maxPixels, String source) {
        if (width <= 0 || height <= 0) {
            throw new FrameSourceException(source + " declares an impossible size " + this);
        }
        if (pixels() > maxPixels) {
            throw new FrameSourceException(source + " declares " + this + " = " + pixels() + " pixels, over the limit of "
                    + maxPixels + " (video.max-source-pixels); refused before decoding");
        }
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }

    /** @return the declared size, or empty when the bytes do not start with a complete header of a known format */
    static Optional<ImageSize> read(byte[] b) {
        try {
            if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
                return Optional.of(new ImageSize(u32be(b, 16), u32be(b, 20)));
            }
            if (isGif(b)) {
                return Optional.of(new ImageSize(u16le(b, 6), u16le(b, 8)));
            }
            if (startsWith(b, 0, 'B', 'M')) {
                // The old OS/2 header (12 bytes) has 16-bit sizes; the later ones 32-bit, negative height = top-down.
                return Optional.of(u32le(b, 14) == 12 ? new ImageSize(u16le(b, 18), u16le(b, 20))
                        : new ImageSize(Math.abs((int) u32le(b, 18)), Math.abs((int) u32le(b, 22))));
            }
            if (startsWith(b, 0, 0xFF, 0xD8)) {
                return jpeg(b);
            }
            if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
                return webp(b);
            }
            if (startsWith(b, 0, 'I', 'I', 42, 0) || startsWith(b, 0, 'M', 'M', 0, 42)) {
                return tiff(b, b[0] == 'I');
            }
            return Optional.empty();
        } catch (ArrayIndexOutOfBoundsException e) {
            // The header is cut short: there is no size to trust, and no image to decode either.
            return Optional.empty();
        }
    }

    static boolean isGif(byte[] b) {
        return startsWith(b, 0, 'G', 'I', 'F', '8');
    }

    /**
     * Whether a JPEG is what a frame record may carry as it is: baseline, 8-bit, 3 components. A grey, CMYK,
     * 12-bit or progressive one is decoded and encoded again.
     */
    static boolean isBaselineColourJpeg(byte[] b) {
        if (!startsWith(b, 0, 0xFF, 0xD8)) {
            return false;
        }
        int frame = JpegMarkers.startOfFrame(b, b.length);
        return frame >= 0 && frame + 10 <= b.length
                && (b[frame + 1] & 0xff) == 0xC0 && b[frame + 4] == 8 && b[frame + 9] == 3;
    }

    private static Optional<ImageSize> jpeg(byte[] b) {
        int frame = JpegMarkers.startOfFrame(b, b.length);
        return frame < 0 ? Optional.empty() : Optional.of(new ImageSize(u16be(b, frame + 7), u16be(b, frame + 5)));
    }

    private static Optional<ImageSize> webp(byte[] b) {
        if (startsWith(b, 12, 'V', 'P', '8', 'X')) {
            return Optional.of(new ImageSize(u24le(b, 24) + 1, u24le(b, 27) + 1));
        }
        if (startsWith(b, 12, 'V', 'P', '8', 'L')) {
            long bits = u32le(b, 21);
            return Optional.of(new ImageSize((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1));
        }
        if (startsWith(b, 12, 'V', 'P', '8', ' ')) {
            return Optional.of(new ImageSize(u16le(b, 26) & 0x3FFF, u16le(b, 28) & 0x3FFF));
        }
        return Optional.empty();
    }

    private static Optional<ImageSize> tiff(byte[] b, boolean little) {
        int ifd = (int) u32(b, 4, little);
        int entries = u16(b, ifd, little);
        long width = -1;
        long height = -1;
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + 12 * i;
            int tag = u16(b, entry, little);
            if (tag == 256 || tag == 257) {
                // SHORT (3) or LONG (4), held in the entry's value field itself
                long value = u16(b, entry + 2, little) == 3 ? u16(b, entry + 8, little) : u32(b, entry + 8, little);
                if (tag == 256) {
                    width = value;
                } else {
                    height = value;
                }
            }
        }
        return width < 0 || height < 0 ? Optional.empty() : Optional.of(new ImageSize(width, height));
    }

    private static boolean startsWith(byte[] b, int offset, int... prefix) {
        if (b.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[offset + i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u16(byte[] b, int at, boolean little) {
        return little ? u16le(b, at) : u16be(b, at);
    }

    private static long u32(byte[] b, int at, boolean little) {
        return little ? u32le(b, at) : u32be(b, at);
    }

    private static int u16le(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static int u16be(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static long u24le(byte[] b, int at) {
        return u16le(b, at) | (long) (b[at + 2] & 0xff) << 16;
    }

    private static long u32le(byte[] b, int at) {
        return u24le(b, at) | (long) (b[at + 3] & 0xff) << 24;
    }

    private static long u32be(byte[] b, int at) {
        return (long) u16be(b, at) << 16 | u16be(b, at + 2);
    }
}
