package io.sensorium.cli;

import io.sensorium.ingest.InputPaths;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Stream ids for sources given on the command line: a file's or folder's name, a URL as it is, {@code stdin} for
 * standard input ({@code -}); made unique when two share one (the second {@code jfk.wav} is {@code jfk.wav#2}), so
 * every input is a stream of its own.
 */
final class StreamIds {
    static final String STDIN = "stdin";

    private StreamIds() {}

    static Map<String, String> forSources(List<String> sources) {
        return unique(sources, StreamIds::name);
    }

    private static String name(String source) {
        if (InputPaths.isUrl(source)) {
            return source;
        }
        return InputPaths.STDIN.equals(source) ? STDIN : Path.of(source).getFileName().toString();
    }

    /**
     * The streams a command publishes: {@code streamId} for its single source when given, else ids from
     * {@code naming}.
     */
    static <T> Map<String, T> chosen(String streamId, List<T> sources, Function<List<T>, Map<String, T>> naming) {
        if (streamId == null) {
            return naming.apply(sources);
        }
        if (sources.size() != 1) {
            throw new UserFacingError("--stream-id names one stream: give exactly one source with it", UserFacingError.USAGE);
        }
        return Map.of(streamId, sources.get(0));
    }

    private static <T> Map<String, T> unique(List<T> sources, Function<T, String> name) {
        Map<String, T> ids = new LinkedHashMap<>();
        for (T source : sources) {
            String base = name.apply(source);
            String id = base;
            // A later name may equal an earlier numbered one ("a/x", "b/x", "x#2"): count on until the id is free.
            for (int n = 2; ids.containsKey(id); n++) {
                id = base + "#" + n;
            }
            ids.put(id, source);
        }
        return ids;
    }
}
