package io.sensorium.ingest.video;

/**
 * Picks frames for a target rate: the first frame at or after each multiple of 1/fps seconds of presentation time,
 * so a 30 fps video sampled at 5 keeps every sixth frame, and a variable-rate one keeps an even pace.
 */
final class FrameSampler {
    private final double fps;
    private long nextSlot;

    /** @param fps frames per second to keep; 0 keeps every frame */
    FrameSampler(double fps) {
        if (fps < 0) {
            throw new IllegalArgumentException("fps must be 0 (every frame) or positive, not " + fps);
        }
        this.fps = fps;
    }

    boolean keep(long timestampMicros) {
        if (fps == 0) {
            return true;
        }
        long slot = (long) Math.floor(timestampMicros * fps / 1e6 + 1e-9);
        if (slot < nextSlot) {
            return false;
        }
        nextSlot = slot + 1;
        return true;
    }
}
