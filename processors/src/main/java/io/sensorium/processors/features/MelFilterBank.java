package io.sensorium.processors.features;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whisper's own mel filter banks (80 or 128 filters over the 201 bins of a 400-point FFT), as trained with.
 * Each filter touches only a handful of bins (391 weights in all for 80 filters), so it is kept sparse: the mel
 * projection costs about 400 multiply-adds per frame instead of 16,000.
 */
public final class MelFilterBank {
    public static final int FFT_BINS = 201;
    /** Read from the resource once per size: the banks are never changed. */
    private static final Map<Integer, MelFilterBank> WHISPER = new ConcurrentHashMap<>();

    private final int[] firstBin;
    private final float[][] weights;

    private MelFilterBank(int[] firstBin, float[][] weights) {
        this.firstBin = firstBin;
        this.weights = weights;
    }

    public static MelFilterBank whisper(int melBins) {
        if (melBins != 80 && melBins != 128) {
            throw new IllegalArgumentException("Whisper has mel filter banks of 80 and 128 filters, not " + melBins);
        }
        return WHISPER.computeIfAbsent(melBins, MelFilterBank::read);
    }

    private static MelFilterBank read(int melBins) {
        float[] dense = new float[melBins * FFT_BINS];
        try (InputStream in = MelFilterBank.class.getResourceAsStream("mel_" + melBins + ".f32")) {
            ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dense);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in mel filters", e);
        }
        int[] first = new int[melBins];
        float[][] weights = new float[melBins][];
        for (int m = 0; m < melBins; m++) {
            int lo = 0;
            int hi = FFT_BINS - 1;
            while (lo < FFT_BINS && dense[m * FFT_BINS + lo] == 0f) {
                lo++;
            }
            while (hi > lo && dense[m * FFT_BINS + hi] == 0f) {
                hi--;
            }
            first[m] = Math.min(lo, FFT_BINS - 1);
            weights[m] = lo >= FFT_BINS ? new float[0] : Arrays.copyOfRange(dense, m * FFT_BINS + lo, m * FFT_BINS + hi + 1);
        }
        return new MelFilterBank(first, weights);
    }

    public int melBins() {
        return weights.length;
    }

    /** {@code out[m] = sum_k filter[m][k] * power[k]} */
    void apply(double[] power, double[] out) {
        for (int m = 0; m < weights.length; m++) {
            float[] w = weights[m];
            int base = firstBin[m];
            double sum = 0;
            for (int k = 0; k < w.length; k++) {
                sum += w[k] * power[base + k];
            }
            out[m] = sum;
        }
    }
}
