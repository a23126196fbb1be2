package io.sensorium.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr for long downloads and conversions; redraws at most ten times a second. */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final String label;
    private final long total;
    private final PrintStream out = System.err;
    private long done;
    private long lastDraw;

    ProgressBar(String label, long total) {
        this.label = label;
        this.total = total;
    }

    void advance(long amount) {
        done += amount;
        long now = System.nanoTime();
        if (now - lastDraw > 100_000_000L) {
            lastDraw = now;
            draw();
        }
    }

    void done() {
        draw();
        out.println();
    }

    private void draw() {
        if (total > 0) {
            int filled = (int) (WIDTH * done / total);
            out.printf("\r%s [%s%s] %3d%% %s", label, "#".repeat(filled), " ".repeat(WIDTH - filled),
                    100 * done / total, megabytes(done));
        } else {
            out.printf("\r%s %s", label, megabytes(done));
        }
        out.flush();
    }

    private static String megabytes(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }
}
