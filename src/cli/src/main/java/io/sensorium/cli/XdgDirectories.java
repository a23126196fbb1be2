package io.sensorium.cli;

import java.nio.file.Path;

/**
 * The freedesktop.org base directories Sensorium keeps its files under: the one a variable names, else its default in
 * the home directory.
 */
final class XdgDirectories {
    private XdgDirectories() {}

    /** {@code $XDG_CACHE_HOME}, else {@code ~/.cache}: what can be fetched or made again (models). */
    static Path cache() {
        return base("XDG_CACHE_HOME", ".cache");
    }

    /** {@code $XDG_DATA_HOME}, else {@code ~/.local/share}: what cannot (the broker's topics). */
    static Path data() {
        return base("XDG_DATA_HOME", ".local/share");
    }

    /** {@code $XDG_STATE_HOME}, else {@code ~/.local/state}: what a program keeps between runs (stages' state). */
    static Path state() {
        return base("XDG_STATE_HOME", ".local/state");
    }

    private static Path base(String variable, String inHome) {
        String set = System.getenv(variable);
        return set != null && !set.isBlank() ? Path.of(set) : Path.of(System.getProperty("user.home"), inHome);
    }
}
