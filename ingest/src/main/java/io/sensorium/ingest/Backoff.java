package io.sensorium.ingest;

import io.sensorium.core.config.SensoriumConfig;

/**
 * Waits between reconnection attempts to a live source: {@code live.reconnect-min-seconds}, doubling after each
 * failed attempt up to {@code live.reconnect-max-seconds}; reset once the source flows again.
 */
public final class Backoff {
    /** How to wait; tests replace it to run the schedule without sleeping. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final SensoriumConfig.Live live;
    private int failures;

    public Backoff(SensoriumConfig.Live live) {
        this.live = live;
    }

    /** @return the wait before the next attempt, in milliseconds, or -1 when the attempts are used up */
    public long nextWaitMillis() {
        if (live.reconnectAttempts() > 0 && failures >= live.reconnectAttempts()) {
            return -1;
        }
        double wait = Math.min(live.reconnectMaxSeconds(), live.reconnectMinSeconds() * Math.pow(2, failures));
        failures++;
        return Math.round(wait * 1000);
    }

    public void reset() {
        failures = 0;
    }
}
