package io.sensorium.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Stream ids for sources given on the command line: a file's or folder's name, a URL as it is; made unique when two
 * share one.
 */
final class StreamIds {
    private StreamIds() {}

    static Map<String, Path> forFiles(List<Path> files) {
        return unique(files, file -> file.getFileName().toString());
    }

    static Map<String, String> forSources(List<String> sources) {
        return unique(sources, source -> source.contains("://") ? source : Path.of(source).getFileName().toString());
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
        Map<String, Integer> seen = new HashMap<>();
        for (T source : sources) {
            String id = name.apply(source);
            int count = seen.merge(id, 1, Integer::sum);
            ids.put(count == 1 ? id : id + "#" + count, source);
        }
        return ids;
    }
}
