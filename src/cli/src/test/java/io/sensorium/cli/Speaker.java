package io.sensorium.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.LockSupport;

/** A 16 kHz mono 16-bit WAV written into a pipe as a live source hands it on: at 1x, a slice at a time. */
final class Speaker {
    static final int RATE = 16_000;
    /** The audio is written as a sound card's driver hands it on, this much at a time (s). */
    static final double SLICE_SECONDS = 0.1;

    private Speaker() {
    }

    /**
     * Writes the stretch {@code [from, to)} seconds of the WAV (its header with the first slice) at 1x.
     *
     * @return when each slice was written (System.nanoTime)
     */
    static long[] play(OutputStream out, byte[] wav, double from, double to) throws IOException {
        int slice = (int) Math.round(SLICE_SECONDS * RATE) * 2;
        int first = (int) Math.round(from / SLICE_SECONDS);
        int slices = (int) Math.ceil(to / SLICE_SECONDS) - first;
        long[] written = new long[slices];
        long start = System.nanoTime();
        for (int i = 0; i < slices; i++) {
            long due = start + Math.round(i * SLICE_SECONDS * 1e9);
            LockSupport.parkNanos(due - System.nanoTime());
            int offset = (first + i) * slice;
            out.write(wav, offset, Math.min(slice, wav.length - offset));
            out.flush();
            written[i] = System.nanoTime();
        }
        return written;
    }
}
