package io.sensorium.cli.output;

import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptSegment;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams' final transcripts written in one {@link TranscriptFileFormat}: each stream to a file of its own in a
 * directory, named after it as openai-whisper names its outputs ({@code jfk.wav} gives {@code jfk.srt}), or a single
 * stream to standard output. Each segment is flushed as it comes, so a live stream's file can be followed as it grows.
 */
public final class TranscriptFiles implements AutoCloseable {
    /** A file name's extension, and the number {@code StreamIds} gives a second stream of one name ({@code x.wav#2}). */
    private static final Pattern NAME = Pattern.compile("(.+?)\\.[A-Za-z0-9]{1,5}(#\\d+)?");

    private final TranscriptFileFormat format;
    private final Path directory;
    private final PrintStream stdout;
    private final Map<String, Output> open = new HashMap<>();

    private TranscriptFiles(TranscriptFileFormat format, Path directory, PrintStream stdout) {
        this.format = format;
        this.directory = directory;
        this.stdout = stdout;
    }

    /** One file per stream in {@code directory}, made if it is not there. */
    public static TranscriptFiles inDirectory(TranscriptFileFormat format, Path directory) throws IOException {
        return new TranscriptFiles(format, Files.createDirectories(directory), null);
    }

    /** The one stream of a run to {@code out}. */
    public static TranscriptFiles to(TranscriptFileFormat format, PrintStream out) {
        return new TranscriptFiles(format, null, out);
    }

    /** The file {@code stream}'s transcript goes to. */
    public Path file(String stream) {
        String safe = stream.replaceAll("[^A-Za-z0-9._#-]", "_");
        Matcher named = NAME.matcher(safe);
        String base = named.matches() ? named.group(1) + (named.group(2) == null ? "" : named.group(2)) : safe;
        return directory.resolve(base + "." + format.extension());
    }

    /**
     * Writes a segment or a stream's end; partials, which are not final, are not written.
     *
     * @return the file of the stream this record ended, if it ended one
     */
    public Optional<Path> write(Object record) {
        if (record instanceof TranscriptSegment segment) {
            Output output = output(segment.stream());
            output.append(format.segment(output.segments++, segment));
        } else if (record instanceof TranscriptEnd end) {
            Output output = output(end.stream());
            output.append(format.end(end));
            output.close();
            open.remove(end.stream());
            return Optional.ofNullable(output.file);
        }
        return Optional.empty();
    }

    private Output output(String stream) {
        return open.computeIfAbsent(stream, s -> {
            Output output = directory == null ? new Output(null, new OutputStreamWriter(stdout, StandardCharsets.UTF_8))
                    : new Output(file(s), writer(file(s)));
            output.append(format.header());
            return output;
        });
    }

    private static Writer writer(Path file) {
        try {
            return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Closes the files of streams that have not ended (a run stopped), with what they have so far. */
    @Override
    public void close() {
        open.values().forEach(Output::close);
        open.clear();
    }

    private static final class Output {
        final Path file;
        final Writer writer;
        int segments;

        Output(Path file, Writer writer) {
            this.file = file;
            this.writer = writer;
        }

        void append(String text) {
            try {
                writer.write(text);
                writer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + (file != null ? file : "standard output") + ": "
                        + e.getMessage(), e);
            }
        }

        void close() {
            try {
                // Standard output stays open for whatever else is printed.
                if (file != null) {
                    writer.close();
                } else {
                    writer.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + (file != null ? file : "standard output") + ": "
                        + e.getMessage(), e);
            }
        }
    }
}
