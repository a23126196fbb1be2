package io.sensorium.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where pulled and converted models live: {@code $SENSORIUM_MODELS}, else {@code $XDG_CACHE_HOME/sensorium/models},
 * else {@code ~/.cache/sensorium/models}. A model is a directory named {@code whisper-<name>} in it
 * ({@code whisper-<name>-int8} for its int8 weights).
 */
final class ModelCache {
    private final Path root;

    ModelCache(Path root) {
        this.root = root;
    }

    static Path defaultDirectory() {
        String explicit = System.getenv("SENSORIUM_MODELS");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return XdgDirectories.cache().resolve("sensorium").resolve("models");
    }

    /** @param int8 whether the int8 weights are wanted: they are kept apart from the float32 ones */
    Path whisper(String name, boolean int8) {
        return root.resolve("whisper-" + name.replace('/', '-') + (int8 ? "-int8" : ""));
    }

    /** Deletes a model's directory, files first. */
    static void remove(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
