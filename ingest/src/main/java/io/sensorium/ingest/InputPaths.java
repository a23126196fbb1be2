package io.sensorium.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an operand given as an input is, for the checks made before a run starts: a regular file or a named pipe
 * (FIFO) can be read as media; {@code -} is standard input; a URL (scheme://...) is a live source that FFmpeg
 * opens; anything else gets a message that says what it is rather than "no such file".
 */
public final class InputPaths {
    /** The operand that means standard input, as for most command-line tools. */
    public static final String STDIN = "-";

    // The file-type bits of st_mode (sys/stat.h).
    private static final int TYPE_MASK = 0170000;
    private static final int FIFO = 0010000;
    private static final int CHARACTER_DEVICE = 0020000;
    private static final int DIRECTORY = 0040000;
    private static final int BLOCK_DEVICE = 0060000;
    private static final int SOCKET = 0140000;

    private InputPaths() {}

    /** A URL (RTSP, HTTP, SRT, UDP...) rather than a path: a live source, reconnected when it drops. */
    public static boolean isUrl(String source) {
        return source.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
    }

    /**
     * A source with no end of its own — a URL, standard input, a named pipe — read as it arrives, whose stream ends
     * when its writer closes it or the command is stopped.
     */
    public static boolean isLive(String source) {
        if (isUrl(source) || source.equals(STDIN)) {
            return true;
        }
        Path path = Path.of(source);
        return Files.exists(path) && !Files.isRegularFile(path) && kind(path) == null;
    }

    /** Standard input or a named pipe: a live source that ends when its writer closes it. */
    public static boolean isPipe(String source) {
        return !isUrl(source) && isLive(source);
    }

    /**
     * Why operand {@code source} cannot be read as a media stream, or null when it can; a URL is taken as it is
     * (whether it answers is known only once it is opened, and a live source may come back later).
     *
     * @param what what the command expects there, for the message: "an audio file"
     */
    public static String problem(String source, String what) {
        if (isUrl(source) || source.equals(STDIN)) {
            return null;
        }
        Path path = Path.of(source);
        if (!Files.exists(path)) {
            return "no such file: " + path;
        }
        String kind = kind(path);
        if (kind != null) {
            return path + " is " + kind + ", not " + what;
        }
        return Files.isReadable(path) ? null : path + " cannot be read (permission denied)";
    }

    /** What a path that is neither a regular file nor a FIFO is ("a directory"), or null when it is one of those. */
    private static String kind(Path path) {
        if (Files.isRegularFile(path)) {
            return null;
        }
        try {
            return switch ((Integer) Files.getAttribute(path, "unix:mode") & TYPE_MASK) {
                case FIFO -> null;
                case DIRECTORY -> "a directory";
                case CHARACTER_DEVICE -> "a character device";
                case BLOCK_DEVICE -> "a block device";
                case SOCKET -> "a socket";
                default -> "not a regular file";
            };
        } catch (UnsupportedOperationException | IOException e) {
            // Without Unix file modes (Windows) a pipe cannot be told from a device: only directories are named.
            return Files.isDirectory(path) ? "a directory" : "not a regular file";
        }
    }
}
