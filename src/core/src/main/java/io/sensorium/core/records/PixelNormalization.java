package io.sensorium.core.records;

import java.util.Arrays;

/**
 * How a model turns 8-bit channel values into its input: {@code (v * scale - mean[c]) / std[c]} per RGB channel,
 * as a Hugging Face image processor's rescale and normalise steps do.
 */
public record PixelNormalization(double scale, double[] mean, double[] std) {
    public static final PixelNormalization NONE = new PixelNormalization(1, new double[] {0, 0, 0}, new double[] {1, 1, 1});

    public PixelNormalization {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need one value per RGB channel");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive: " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PixelNormalization that && scale == that.scale && Arrays.equals(mean, that.mean)
                && Arrays.equals(std, that.std);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(scale) * 31 + Arrays.hashCode(mean) * 17 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "scale " + scale + " mean " + Arrays.toString(mean) + " std " + Arrays.toString(std);
    }
}
