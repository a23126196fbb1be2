package io.sensorium.cli;

import io.sensorium.core.files.TempDirectories;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM / Ctrl-C into a clean stop for a command that holds a broker, stages or sources: the stop actions
 * the command registered run (sources stop and close their streams, a stage leaves its loop), the command finishes
 * — closes this, after everything it opened — and the process then exits with 128 + the signal's number (or the
 * command's own code, for a run that only a stop ends: {@link #stopEndsRun}), so
 * streams get their end markers, the speech stage transcribes what was heard, and Kafka gets its last records.
 *
 * <p>INT and TERM are handled here rather than in a shutdown hook: the JVM runs every hook at once, and ONNX
 * Runtime's (which frees its environment) would pull the model from under a stage still transcribing the last
 * window. A command that has not finished {@value #FINISH_SECONDS} s after the signal, or a second signal, ends
 * the process at once. Any other shutdown (SIGHUP) goes through the hook, which stops and waits likewise. Whatever
 * temporary directory is still there when the process ends is removed. A command opens this before anything else,
 * so that it closes last.
 */
final class StopOnSignal implements AutoCloseable {
    private static final long FINISH_SECONDS = 30;
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<Runnable> actions = new ArrayList<>();
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final Thread hook;
    private boolean signalled;
    private volatile boolean stopEndsRun;
    private volatile Signal received;

    StopOnSignal() {
        this.hook = new Thread(this::stopAndWait, "sensorium-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        for (String name : SIGNALS) {
            Signal signal = new Signal(name);
            previous.put(signal, Signal.handle(signal, this::onSignal));
        }
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

    /**
     * Says that a stop is how this run ends when all goes well (every source is live, with no end of its own): after
     * a signal the command's own exit code stands — 0 when every stream came out whole — instead of 128 + the
     * signal's number, which says that the run was cut short.
     */
    void stopEndsRun() {
        stopEndsRun = true;
    }

    /** Blocks until a stop comes, for a command that serves until it is stopped: its own exit code stands. */
    void awaitStop() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        stopEndsRun();
        onStop(stopped::countDown);
        stopped.await();
    }

    private void onSignal(Signal signal) {
        if (received != null) {
            exitNow(signal);
        }
        received = signal;
        Thread watchdog = new Thread(() -> {
            if (!stopAndWait()) {
                exitNow(signal);
            }
        }, "sensorium-stop-" + signal.getName());
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** @return whether the command finished within the limit */
    private boolean stopAndWait() {
        List<Runnable> registered;
        synchronized (actions) {
            signalled = true;
            registered = List.copyOf(actions);
        }
        registered.forEach(Runnable::run);
        try {
            return finished.await(FINISH_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            TempDirectories.deleteAll();
        }
    }

    /** Without the shutdown hooks: ONNX Runtime's would free the model under a stage still running it. */
    private static void exitNow(Signal signal) {
        TempDirectories.deleteAll();
        Runtime.getRuntime().halt(128 + signal.getNumber());
    }

    @Override
    public void close() {
        finished.countDown();
        // A command run inside another program (the tests) leaves that program's own handling as it found it.
        previous.forEach(Signal::handle);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running (SIGHUP): counting down above is what it waits for.
            return;
        }
        Signal signal = received;
        if (signal != null && !stopEndsRun) {
            // Everything the command opened is closed: the hooks have nothing left to pull away.
            System.out.flush();
            System.exit(128 + signal.getNumber());
        }
    }
}
