package io.sensorium.ingest;

import io.sensorium.core.config.SensoriumConfig;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a live source (a camera, a radio stream) read until ingest is stopped: a source that cannot be opened,
 * drops or ends is tried again after a {@link Backoff} wait, which is reset once it connects. Attempts and
 * connections are counted apart, so a report tells a flaky source (many of each) from a dead one (no connection).
 */
public final class Reconnector {
    private static final Logger LOG = LoggerFactory.getLogger(Reconnector.class);

    /** One attempt: open the source, call {@code connected} once it is open, then read it until it ends. */
    @FunctionalInterface
    public interface Attempt {
        /** @return why the source could not be opened or broke off, or null when it ended (or ingest stopped) */
        String run(Runnable connected);
    }

    private final String source;
    private final Backoff backoff;
    private final Backoff.Sleeper sleeper;
    private final BooleanSupplier stopping;
    private int attempts;
    private int connections;

    public Reconnector(String source, SensoriumConfig.Live live, Backoff.Sleeper sleeper, BooleanSupplier stopping) {
        this.source = source;
        this.backoff = new Backoff(live);
        this.sleeper = sleeper;
        this.stopping = stopping;
    }

    /** @return why it gave up (the reconnect attempts ran out), or null when ingest was stopped */
    public String keepReading(Attempt attempt) {
        String lastFailure = null;
        while (!stopping.getAsBoolean()) {
            attempts++;
            String failure = attempt.run(this::connected);
            if (failure != null) {
                lastFailure = failure;
                LOG.warn("{}: attempt {} failed ({} connections so far): {}", source, attempts, connections, failure);
            } else if (!stopping.getAsBoolean()) {
                LOG.warn("{}: the stream ended; reconnecting", source);
            }
            if (stopping.getAsBoolean()) {
                break;
            }
            long wait = backoff.nextWaitMillis();
            if (wait < 0) {
                return "gave up on " + source + " after " + attempts + " attempts, " + connections
                        + " connections; the last: " + lastFailure;
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return null;
    }

    private void connected() {
        connections++;
        if (connections > 1) {
            LOG.info("{}: reconnected ({} connections in {} attempts)", source, connections, attempts);
        }
        backoff.reset();
    }

    /** Times the source was opened or tried: the first time and every reconnection. */
    public int attempts() {
        return attempts;
    }

    /** How many of the attempts connected. */
    public int connections() {
        return connections;
    }
}
