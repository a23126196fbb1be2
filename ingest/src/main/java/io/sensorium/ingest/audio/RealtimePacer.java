package io.sensorium.ingest.audio;

import io.sensorium.ingest.Backoff;
import java.util.concurrent.TimeUnit;

/**
 * {@code --realtime}: holds each chunk back until its last sample would have been heard had the file been a live
 * source playing from the moment its stream started — the same moment a microphone could have given it — so a file
 * stands in for a live source in demos and latency benchmarks.
 */
final class RealtimePacer {
    private final int sampleRate;
    private final Backoff.Sleeper sleeper;
    private final long startNanos = System.nanoTime();

    /** @param sleeper how to wait; a stop cuts it short so the stream's end is not held back */
    RealtimePacer(int sampleRate, Backoff.Sleeper sleeper) {
        this.sampleRate = sampleRate;
        this.sleeper = sleeper;
    }

    /** Waits until {@code samplesEnd} samples have played since the start. */
    void awaitPlayed(long samplesEnd) {
        long due = startNanos + samplesEnd * TimeUnit.SECONDS.toNanos(1) / sampleRate;
        long wait = due - System.nanoTime();
        if (wait <= 0) {
            return;
        }
        try {
            sleeper.sleep(TimeUnit.NANOSECONDS.toMillis(wait + TimeUnit.MILLISECONDS.toNanos(1) - 1));
        } catch (InterruptedException e) {
            // The run is being torn down: the chunk goes now, and whoever interrupted sees the flag.
            Thread.currentThread().interrupt();
        }
    }
}
