package io.sensorium.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM / Ctrl-C into a clean stop: the shutdown hook runs {@code stop} and then holds the JVM until the
 * command has finished (closed this), up to a limit, so that live streams get their end markers and Kafka its
 * last records. The JVM exits as soon as its hooks return.
 */
final class StopOnSignal implements AutoCloseable {
    private static final long FINISH_SECONDS = 30;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    StopOnSignal(Runnable stop) {
        this.hook = new Thread(() -> {
            stop.run();
            try {
                finished.await(FINISH_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sensorium-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running (a signal came): counting down above is what it waits for.
            return;
        }
    }
}
