package io.sensorium.cli;

import io.sensorium.core.files.TempDirectories;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM / Ctrl-C into a clean stop for a command that holds a broker, stages or sources: the shutdown hook
 * runs the stop actions the command registered (sources stop and close their streams, a stage leaves its loop),
 * then holds the JVM until the command has finished — closed this, after everything it opened — up to a limit, so
 * that streams get their end markers and Kafka its last records. Whatever temporary directory is still there then
 * is removed: the JVM exits as soon as its hooks return. A command opens this before anything else, so that it
 * closes last.
 */
final class StopOnSignal implements AutoCloseable {
    private static final long FINISH_SECONDS = 30;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<Runnable> actions = new ArrayList<>();
    private final Thread hook;
    private boolean signalled;

    StopOnSignal() {
        this.hook = new Thread(this::stopAndWait, "sensorium-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Runs {@code action} when a signal comes, or at once if one came while the command was still starting. */
    void onStop(Runnable action) {
        synchronized (actions) {
            actions.add(action);
            if (!signalled) {
                return;
            }
        }
        action.run();
    }

    private void stopAndWait() {
        List<Runnable> registered;
        synchronized (actions) {
            signalled = true;
            registered = List.copyOf(actions);
        }
        registered.forEach(Runnable::run);
        try {
            finished.await(FINISH_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirectories.deleteAll();
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
