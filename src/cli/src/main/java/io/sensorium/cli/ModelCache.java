package io.sensorium.cli;

import java.nio.file.Path;

/**
 * Where pulled and converted models live: {@code $SENSORIUM_MODELS}, else {@code $XDG_CACHE_HOME/sensorium/models},
 * else {@code ~/.cache/sensorium/models}. A model is a directory named {@code whisper-<name>} in it.
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

    Path whisper(String name) {
        return root.resolve("whisper-" + name.replace('/', '-'));
    }
}
