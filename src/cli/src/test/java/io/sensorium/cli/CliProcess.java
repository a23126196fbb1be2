package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code sensorium} command as its own process, as a user runs it (signals, standard input, the default
 * in-process broker), with its own temporary directory; what it prints is collected line by line, each with the
 * moment it came.
 */
final class CliProcess {
    /** What the in-process broker logs once it listens. */
    static final String BROKER_READY = "in-process Kafka broker ready at";
    /** What {@code sensorium broker} logs once it listens, before its port. */
    static final String KEPT_BROKER_READY = "Kafka broker ready at 127.0.0.1:";

    /** A line of output and when it was read (System.nanoTime). */
    record Line(String text, long nanos) {}

    private final Process process;
    private final List<Line> stdout = new ArrayList<>();
    private final List<Line> stderr = new ArrayList<>();
    private final List<Thread> readers;

    private CliProcess(Process process) {
        this.process = process;
        // Threads of their own: the common pool may have a single thread, and each reader blocks until its stream ends.
        this.readers = List.of(collect(process.getInputStream(), stdout), collect(process.getErrorStream(), stderr));
    }

    /** Starts {@code sensorium ARGS...} with {@code tmp} as its temporary directory. */
    static CliProcess start(Path tmp, List<String> args) throws IOException {
        return start(tmp, args, Map.of(), List.of());
    }

    /** As {@link #start(Path, List)}, with {@code env} added to its environment and {@code jvmOptions} given to Java. */
    static CliProcess start(Path tmp, List<String> args, Map<String, String> env, List<String> jvmOptions)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Sensorium.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return new CliProcess(builder.start());
    }

    /** {@code sensorium broker} on the loopback address at {@code port}, its data in {@code dataDir}. */
    static CliProcess broker(Path tmp, int port, Path dataDir) throws IOException {
        return start(tmp, List.of("broker", "--port", Integer.toString(port), "--data-dir", dataDir.toString()));
    }

    /**
     * {@code process STAGE} with {@code settings} as {@code --set} options and {@code options} after them, one stream
     * thread, its state in {@code tmp/stateDir}; returned once its stage is RUNNING.
     */
    static CliProcess stage(Path tmp, String stage, Map<String, String> settings, String stateDir, String... options)
            throws IOException, InterruptedException {
        return startStage(tmp, stage, settings, stateDir, options).awaitStage(stage);
    }

    /** The same, returned at once: several stages start faster side by side. */
    static CliProcess startStage(Path tmp, String stage, Map<String, String> settings, String stateDir, String... options)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("process", stage, "--set", "kafka.stream-threads=1",
                "--set", "kafka.state-dir=" + tmp.resolve(stateDir)));
        settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        args.addAll(List.of(options));
        return start(tmp, args);
    }

    /** Waits until this {@code process STAGE} says its stage is RUNNING. */
    CliProcess awaitStage(String stage) throws InterruptedException {
        // A JVM, a model, a group to join and state to restore: more than a minute on a busy machine.
        awaitStderr("stage " + stage + " running in group", 180);
        return this;
    }

    Process process() {
        return process;
    }

    /** SIGTERM, through the process handle: Process.destroy would also close the pipes still being read and written. */
    void terminate() {
        process.toHandle().destroy();
    }

    /** SIGTERM, then waits up to a minute for the process to end; @return its exit code */
    int stop() throws InterruptedException {
        terminate();
        return waitFor(60);
    }

    /** SIGKILL, likewise. */
    void kill() {
        process.toHandle().destroyForcibly();
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Waits until a line on stderr contains {@code text}, for up to a minute. */
    void awaitStderr(String text) throws InterruptedException {
        awaitStderr(text, 60);
    }

    /** Waits until a line on stderr contains {@code text}. */
    void awaitStderr(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (stderr) {
            while (stderr.stream().noneMatch(line -> line.text().contains(text))) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("'%s' on stderr: %s", text, stderr).isPositive();
                assertThat(process.isAlive()).as("process alive; stderr: %s", stderr).isTrue();
                stderr.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits for the process to end; @return its exit code */
    int waitFor(long seconds) throws InterruptedException {
        assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("ended within %d s; stderr: %s", seconds, stderr).isTrue();
        joinReaders();
        return process.exitValue();
    }

    /** Standard output's lines, once the process has ended. */
    List<Line> stdout() {
        joinReaders();
        return List.copyOf(stdout);
    }

    /** Standard error, once the process has ended. */
    String stderr() {
        return String.join("\n", stderrLines().stream().map(Line::text).toList());
    }

    /** Standard error's lines, once the process has ended. */
    List<Line> stderrLines() {
        joinReaders();
        return List.copyOf(stderr);
    }

    private void joinReaders() {
        for (Thread reader : readers) {
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the output of " + process, e);
            }
        }
    }

    private static Thread collect(InputStream stream, List<Line> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(new Line(line, System.nanoTime()));
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "cli-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
