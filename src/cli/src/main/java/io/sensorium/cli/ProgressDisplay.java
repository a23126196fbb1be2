package io.sensorium.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Shows a block of progress lines on stderr: on a terminal redrawn in place a few times a second, elsewhere (a log
 * file, a pipe) printed as plain lines now and then, so that a log does not fill with redraws.
 */
final class ProgressDisplay {
    private static final long TERMINAL_EVERY_NANOS = 500_000_000L;

    private final long plainEveryNanos;
    private final PrintStream out = System.err;
    private final boolean terminal = System.console() != null;
    private int drawn;
    private long lastDraw;

    /** @param plainEvery how often to print where stderr is not a terminal */
    ProgressDisplay(Duration plainEvery) {
        this.plainEveryNanos = plainEvery.toNanos();
    }

    /** Draws {@code lines} when it is time to, or at once when {@code now}. */
    void show(List<String> lines, boolean now) {
        long time = System.nanoTime();
        if (!now && time - lastDraw < (terminal ? TERMINAL_EVERY_NANOS : plainEveryNanos)) {
            return;
        }
        lastDraw = time;
        if (terminal && drawn > 0) {
            out.print("\033[" + drawn + "A");
        }
        for (String line : lines) {
            out.print(terminal ? "\r\033[K" + line + "\n" : line + "\n");
        }
        drawn = lines.size();
        out.flush();
    }
}
