package io.sensorium.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a path given as an input is, for the checks made before a run starts: a regular file or a named pipe (FIFO)
 * can be read as media; {@code -} is standard input; anything else gets a message that says what it is rather than
 * "no such file".
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

    public static boolean isStdin(Path path) {
        return path.toString().equals(STDIN);
    }

    /**
     * Why {@code path} cannot be read as a media stream, or null when it can (a regular file, a FIFO, {@code -}).
     *
     * @param what what the command expects there, for the message: "an audio file"
     */
    public static String problem(Path path, String what) {
        if (isStdin(path)) {
            return null;
        }
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
