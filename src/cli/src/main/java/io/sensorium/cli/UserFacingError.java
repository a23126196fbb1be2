package io.sensorium.cli;

import io.sensorium.core.config.ConfigException;

/**
 * What the command line prints when a command fails: one line a user can act on, not a stack trace (the logs on
 * stderr keep the details).
 */
final class UserFacingError extends RuntimeException {
    static final int USAGE = 2;
    static final int FAILED = 1;

    private final int exitCode;

    UserFacingError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    static String describe(Throwable error) {
        return error.getMessage() == null ? error.toString() : error.getMessage();
    }

    static int exitCode(Throwable error) {
        if (error instanceof UserFacingError userFacing) {
            return userFacing.exitCode;
        }
        return error instanceof ConfigException ? USAGE : FAILED;
    }
}
