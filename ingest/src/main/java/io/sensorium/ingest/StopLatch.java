package io.sensorium.ingest;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An ingest's stop (SIGTERM, Ctrl-C): once set, sources end their streams where they are, and any wait in progress
 * (a reconnect back-off, real-time pacing) is cut short so the end marker is not held back.
 */
public final class StopLatch implements Backoff.Sleeper {
    private final CountDownLatch stopped = new CountDownLatch(1);

    public void stop() {
        stopped.countDown();
    }

    public boolean stopped() {
        return stopped.getCount() == 0;
    }

    /** Waits {@code millis}, or less when stopped meanwhile. */
    @Override
    public void sleep(long millis) throws InterruptedException {
        stopped.await(millis, TimeUnit.MILLISECONDS);
    }
}
