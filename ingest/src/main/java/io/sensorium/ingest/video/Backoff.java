package io.sensorium.ingest.video;

/**
 * Waits between reconnection attempts to a live source: {@code min} seconds, doubling after each failed attempt up
 * to {@code max}; reset once frames flow again.
 */
final class Backoff {
    /** How to wait; tests replace it to run the schedule without sleeping. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final double minSeconds;
    private final double maxSeconds;
    private final int maxAttempts;
    private int failures;

    /** @param maxAttempts failed attempts in a row before giving up; 0 never gives up */
    Backoff(double minSeconds, double maxSeconds, int maxAttempts) {
        if (minSeconds <= 0 || maxSeconds < minSeconds || maxAttempts < 0) {
            throw new IllegalArgumentException("reconnect waits need 0 < min <= max and attempts >= 0, not min "
                    + minSeconds + " max " + maxSeconds + " attempts " + maxAttempts);
        }
        this.minSeconds = minSeconds;
        this.maxSeconds = maxSeconds;
        this.maxAttempts = maxAttempts;
    }

    /** @return the wait before the next attempt, in milliseconds, or -1 when the attempts are used up */
    long nextWaitMillis() {
        if (maxAttempts > 0 && failures >= maxAttempts) {
            return -1;
        }
        double wait = Math.min(maxSeconds, minSeconds * Math.pow(2, failures));
        failures++;
        return Math.round(wait * 1000);
    }

    void reset() {
        failures = 0;
    }
}
