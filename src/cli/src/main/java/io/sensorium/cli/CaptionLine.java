package io.sensorium.cli;

/**
 * The live caption line of {@code transcribe --format text}: the latest partial, rewritten in place on a terminal
 * ({@code \r}, then clear to the end of the line), and a final printed over it. Where stdout is not a terminal the
 * rewrites would be kept as garbage in a file or pipe, so partials are not shown at all.
 */
final class CaptionLine {
    private static final String CLEAR_LINE = "\r\033[K";

    private final boolean terminal;
    private boolean showing;

    CaptionLine(boolean terminal) {
        this.terminal = terminal;
    }

    void show(String text) {
        if (terminal) {
            System.out.print(CLEAR_LINE + text);
            showing = !text.isEmpty();
        }
    }

    /** Makes room for a line of output where the caption stands. */
    void clear() {
        if (showing) {
            System.out.print(CLEAR_LINE);
            showing = false;
        }
    }
}
