package io.sensorium.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stream ids for files given on the command line: the file name, made unique when two files share one. */
final class StreamIds {
    private StreamIds() {}

    static Map<String, Path> forFiles(List<Path> files) {
        Map<String, Path> ids = new LinkedHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            int count = seen.merge(name, 1, Integer::sum);
            ids.put(count == 1 ? name : name + "#" + count, file);
        }
        return ids;
    }
}
