package io.sensorium.cli;

import io.sensorium.ingest.InputPaths;
import java.util.List;

/** The checks made on audio operands before a command starts anything. */
final class AudioFiles {
    private AudioFiles() {}

    /**
     * Each operand must be a readable file, a named pipe, {@code -} (standard input, which can be read once) or a
     * URL (whether it answers is known once it is opened).
     *
     * @throws UserFacingError a usage error naming the first operand at fault and what it is
     */
    static void requireReadable(List<String> sources) {
        if (sources.stream().filter(InputPaths.STDIN::equals).count() > 1) {
            throw new UserFacingError("standard input (-) can be given once", UserFacingError.USAGE);
        }
        for (String source : sources) {
            String problem = InputPaths.problem(source, "an audio file");
            if (problem != null) {
                throw new UserFacingError(problem, UserFacingError.USAGE);
            }
        }
    }
}
