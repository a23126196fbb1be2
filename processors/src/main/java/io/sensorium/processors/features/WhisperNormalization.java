package io.sensorium.processors.features;

/**
 * Whisper's window-wide feature scaling: clamp each value to (window max - 8), then (x + 4) / 4. It belongs to the
 * 30 s window the model sees, not to a chunk, because the max is the window's.
 */
public final class WhisperNormalization {
    private WhisperNormalization() {}

    /** Normalises {@code window[frame][mel]} in place. */
    public static void normalize(float[][] window) {
        float max = Float.NEGATIVE_INFINITY;
        for (float[] frame : window) {
            for (float v : frame) {
                max = Math.max(max, v);
            }
        }
        float floor = max - 8f;
        for (float[] frame : window) {
            for (int m = 0; m < frame.length; m++) {
                frame[m] = (Math.max(frame[m], floor) + 4f) / 4f;
            }
        }
    }
}
