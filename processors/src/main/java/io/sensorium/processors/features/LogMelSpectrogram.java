package io.sensorium.processors.features;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Whisper's log-mel frame: a periodic-Hann-windowed 400-sample frame, |FFT|^2 over 201 bins, Whisper's mel filters,
 * log10 with a floor of 1e-10. Frame t is centred on sample 160 t (torch.stft with center=True and reflect padding).
 * The window-wide clamp and scaling come later, in {@link WhisperNormalization}.
 *
 * <p>The FFT runs in double precision: near Whisper's floor (max - 8 in log10) a float FFT's rounding is large
 * next to the power itself and would move features by more than 1e-4. One instance per thread.
 */
public final class LogMelSpectrogram {
    /** The rate Whisper's mel filters, frame length and hop are made for (its feature extractor's sampling_rate). */
    public static final int SAMPLE_RATE = 16_000;
    public static final int N_FFT = 400;
    public static final int HOP = 160;
    /** log10 of Whisper's power floor: the value of every bin of a frame of digital silence. */
    public static final float SILENCE = -10f;

    private static final double[] HANN = periodicHann(N_FFT);

    private final MelFilterBank filters;
    private final DoubleFFT_1D fft = new DoubleFFT_1D(N_FFT);
    private final double[] frame = new double[N_FFT];
    private final double[] power = new double[MelFilterBank.FFT_BINS];
    private final double[] mel;

    public LogMelSpectrogram(int melBins) {
        this.filters = MelFilterBank.whisper(melBins);
        this.mel = new double[melBins];
    }

    public int melBins() {
        return filters.melBins();
    }

    /**
     * Frames of a whole signal followed by Whisper's zero padding: every frame whose window touches the signal.
     *
     * @return {@code [frame][mel]} raw log10 mel power
     */
    public float[][] compute(float[] samples) {
        int frames = framesTouching(samples.length);
        float[][] out = new float[frames][];
        for (int t = 0; t < frames; t++) {
            out[t] = frame(i -> sample(samples, i), t);
        }
        return out;
    }

    /** Number of frames whose window overlaps a signal of {@code samples} samples. */
    static int framesTouching(long samples) {
        return (int) ((samples + N_FFT / 2 + HOP - 1) / HOP);
    }

    private static float sample(float[] samples, long i) {
        long j = i < 0 ? -i : i;
        return j < samples.length ? samples[(int) j] : 0f;
    }

    /** Sample access by stream index; negative indices are the reflect padding's business of the source. */
    interface Samples {
        float at(long index);
    }

    float[] frame(Samples samples, long t) {
        long start = t * HOP - N_FFT / 2;
        for (int n = 0; n < N_FFT; n++) {
            frame[n] = samples.at(start + n) * HANN[n];
        }
        fft.realForward(frame);
        power[0] = frame[0] * frame[0];
        power[N_FFT / 2] = frame[1] * frame[1];
        for (int k = 1; k < N_FFT / 2; k++) {
            double re = frame[2 * k];
            double im = frame[2 * k + 1];
            power[k] = re * re + im * im;
        }
        filters.apply(power, mel);
        float[] out = new float[mel.length];
        for (int m = 0; m < mel.length; m++) {
            out[m] = (float) Math.log10(Math.max(mel[m], 1e-10));
        }
        return out;
    }

    private static double[] periodicHann(int n) {
        double[] window = new double[n];
        for (int i = 0; i < n; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
        }
        return window;
    }
}
