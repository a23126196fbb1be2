package io.sensorium.cli;

import io.sensorium.ingest.InputPaths;
import java.nio.file.Path;
import java.util.List;

/** The checks made on audio operands before a command starts anything. */
final class AudioFiles {
    private AudioFiles() {}

    /**
     * Each operand must be a readable file, a named pipe, or {@code -} (standard input, which can be read once).
     *
     * @throws UserFacingError a usage error naming the first operand at fault and what it is
     */
    static void requireReadable(List<Path> files) {
        if (files.stream().filter(InputPaths::isStdin).count() > 1) {
            throw new UserFacingError("standard input (-) can be given once", UserFacingError.USAGE);
        }
        for (Path file : files) {
            String problem = InputPaths.problem(file, "an audio file");
            if (problem != null) {
                throw new UserFacingError(problem, UserFacingError.USAGE);
            }
        }
    }
}
