package io.sensorium.processors.vision.model;

import java.util.Arrays;

/**
 * Resizes 8-bit interleaved images exactly as Pillow's {@code Image.resize} does (its separable convolution with
 * the filter stretched by the scale when shrinking, so shrinking antialiases; 22-bit fixed-point coefficients;
 * horizontal pass, then vertical, each rounded to 8 bits). The Hugging Face image processors resize with Pillow,
 * and the models were evaluated on that: the same filter here gives the same input, to the bit.
 */
public final class PillowResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** Pillow's resampling filters that models' preprocessor configs name (by Pillow's number). */
    public enum Filter {
        BILINEAR(2, 1.0),
        BICUBIC(3, 2.0);

        private final int pillowId;
        private final double support;

        Filter(int pillowId, double support) {
            this.pillowId = pillowId;
            this.support = support;
        }

        /** The filter with Pillow's (and preprocessor_config.json's {@code resample}) number, or null. */
        public static Filter byPillowId(int id) {
            for (Filter filter : values()) {
                if (filter.pillowId == id) {
                    return filter;
                }
            }
            return null;
        }

        double weight(double x) {
            double ax = Math.abs(x);
            if (this == BILINEAR) {
                return ax < 1.0 ? 1.0 - ax : 0.0;
            }
            double a = -0.5;
            if (ax < 1.0) {
                return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
            }
            if (ax < 2.0) {
                return (((ax - 5) * ax + 8) * ax - 4) * a;
            }
            return 0.0;
        }
    }

    private PillowResize() {}

    /** Fixed-point filter taps for each output position along one axis. */
    private record Coefficients(int[] first, int[] count, int taps, int[] weights) {
        static Coefficients of(int inSize, int outSize, Filter filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support * filterScale;
            int taps = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            int[] weights = new int[outSize * taps];
            double[] k = new double[taps];
            for (int out = 0; out < outSize; out++) {
                double center = (out + 0.5) * scale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), inSize) - min;
                double sum = 0;
                double inverseScale = 1.0 / filterScale;
                for (int x = 0; x < max; x++) {
                    k[x] = filter.weight((x + min - center + 0.5) * inverseScale);
                    sum += k[x];
                }
                for (int x = 0; x < max; x++) {
                    double w = sum != 0.0 ? k[x] / sum : k[x];
                    weights[out * taps + x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
                }
                first[out] = min;
                count[out] = max;
            }
            return new Coefficients(first, count, taps, weights);
        }
    }

    /**
     * @param pixels   {@code height} rows of {@code width * channels} bytes
     * @return {@code outHeight} rows of {@code outWidth * channels} bytes; the input itself when the size is the same
     */
    public static byte[] resize(byte[] pixels, int width, int height, int channels, int outWidth, int outHeight,
                                Filter filter) {
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException(pixels.length + " bytes are not a " + width + "x" + height + "x"
                    + channels + " image");
        }
        byte[] image = pixels;
        int rows = height;
        Coefficients vertical = Coefficients.of(height, outHeight, filter);
        int firstRow = 0;
        if (outWidth != width) {
            // Only the rows the vertical pass reads need the horizontal one, as in Pillow.
            firstRow = vertical.first()[0];
            int lastRow = vertical.first()[outHeight - 1] + vertical.count()[outHeight - 1];
            rows = lastRow - firstRow;
            image = horizontal(pixels, width, firstRow, rows, channels, outWidth, Coefficients.of(width, outWidth, filter));
        }
        if (outHeight != height) {
            image = vertical(image, outWidth, channels, outHeight, vertical, firstRow);
        }
        return image;
    }

    private static byte[] horizontal(byte[] in, int width, int firstRow, int rows, int channels, int outWidth,
                                     Coefficients c) {
        if (channels == 3) {
            return horizontalRgb(in, width, firstRow, rows, outWidth, c);
        }
        byte[] out = new byte[rows * outWidth * channels];
        int[] sums = new int[channels];
        for (int y = 0; y < rows; y++) {
            int rowIn = (y + firstRow) * width * channels;
            int rowOut = y * outWidth * channels;
            for (int x = 0; x < outWidth; x++) {
                Arrays.fill(sums, 1 << (PRECISION_BITS - 1));
                int base = x * c.taps();
                int start = rowIn + c.first()[x] * channels;
                for (int t = 0; t < c.count()[x]; t++) {
                    int w = c.weights()[base + t];
                    int p = start + t * channels;
                    for (int ch = 0; ch < channels; ch++) {
                        sums[ch] += (in[p + ch] & 0xff) * w;
                    }
                }
                for (int ch = 0; ch < channels; ch++) {
                    out[rowOut + x * channels + ch] = clip8(sums[ch]);
                }
            }
        }
        return out;
    }

    /** The three-channel case with the channels in locals: most of a frame's preprocessing time is spent here. */
    private static byte[] horizontalRgb(byte[] in, int width, int firstRow, int rows, int outWidth, Coefficients c) {
        byte[] out = new byte[rows * outWidth * 3];
        int[] first = c.first();
        int[] count = c.count();
        int[] weights = c.weights();
        int taps = c.taps();
        for (int y = 0; y < rows; y++) {
            int rowIn = (y + firstRow) * width * 3;
            int o = y * outWidth * 3;
            for (int x = 0; x < outWidth; x++) {
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                int p = rowIn + first[x] * 3;
                int base = x * taps;
                int n = count[x];
                for (int t = 0; t < n; t++, p += 3) {
                    int w = weights[base + t];
                    r += (in[p] & 0xff) * w;
                    g += (in[p + 1] & 0xff) * w;
                    b += (in[p + 2] & 0xff) * w;
                }
                out[o++] = clip8(r);
                out[o++] = clip8(g);
                out[o++] = clip8(b);
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int width, int channels, int outHeight, Coefficients c, int rowShift) {
        int stride = width * channels;
        byte[] out = new byte[outHeight * stride];
        int[] weights = c.weights();
        for (int y = 0; y < outHeight; y++) {
            int base = y * c.taps();
            int first = (c.first()[y] - rowShift) * stride;
            int count = c.count()[y];
            int rowOut = y * stride;
            if (count == 2) {
                // Enlarging with the bilinear filter: two rows a pixel, the case of every DETR input from a camera.
                int w0 = weights[base];
                int w1 = weights[base + 1];
                int r1 = first + stride;
                for (int i = 0; i < stride; i++) {
                    out[rowOut + i] = clip8((1 << (PRECISION_BITS - 1)) + (in[first + i] & 0xff) * w0 + (in[r1 + i] & 0xff) * w1);
                }
                continue;
            }
            for (int i = 0; i < stride; i++) {
                int sum = 1 << (PRECISION_BITS - 1);
                for (int t = 0, row = first + i; t < count; t++, row += stride) {
                    sum += (in[row] & 0xff) * weights[base + t];
                }
                out[rowOut + i] = clip8(sum);
            }
        }
        return out;
    }

    private static byte clip8(int sum) {
        int v = sum >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
