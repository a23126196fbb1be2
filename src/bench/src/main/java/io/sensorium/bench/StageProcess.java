package io.sensorium.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code sensorium process STAGE} command in a JVM of its own, its output to a log file; notes when its stage
 * reports itself RUNNING.
 */
final class StageProcess {
    private static final String RUNNING = " running in group ";

    private final Process process;
    private final Thread logger;
    private volatile long runningAt = -1;

    private StageProcess(List<String> command, Path log) throws IOException {
        this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        this.logger = new Thread(() -> {
            try (out; BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (runningAt < 0 && line.contains(RUNNING)) {
                        runningAt = System.nanoTime();
                    }
                    out.println(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "log-" + log.getFileName());
        logger.setDaemon(true);
        logger.start();
    }

    static StageProcess start(List<String> command, Path log) throws IOException {
        return new StageProcess(command, log);
    }

    long pid() {
        return process.pid();
    }

    /** When the stage said it was RUNNING (System.nanoTime), or -1 before then. */
    long runningAt() {
        return runningAt;
    }

    /** SIGKILL: no commit, no leaving the group, as when a machine dies. */
    void kill() throws InterruptedException {
        // Through the handle: Process.destroyForcibly would also close the pipe the log is still read from.
        process.toHandle().destroyForcibly();
        process.waitFor();
        logger.join();
    }

    /** SIGTERM, and waits for the stage to close. */
    void stop() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.toHandle().destroyForcibly();
            throw new IllegalStateException("process " + process.pid() + " did not stop within 60 s of SIGTERM");
        }
        logger.join();
    }
}
