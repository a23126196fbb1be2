package io.sensorium.cli;

import io.sensorium.core.kafka.StreamsStage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A one-shot run of a whole pipeline in one process ({@code transcribe}, {@code detect}): the stages started
 * together, ingest publishing on its own thread, and the output topic followed until every stream has ended.
 */
final class PipelineRun {
    private static final Duration STAGE_START = Duration.ofMinutes(2);
    private static final Duration INGEST_STOP = Duration.ofSeconds(30);

    /** How ingest reports a stream that failed. */
    interface Failures {
        /** @param streamClosed whether the stream still got its end marker (then its output will end too) */
        void failed(String streamId, String error, boolean streamClosed);
    }

    /** Publishes a run's inputs, reporting each stream that failed. */
    interface Ingest {
        void publish(Failures failures) throws Exception;
    }

    private PipelineRun() {}

    /** The value of a background load (a model loading while the broker starts), its own exception unwrapped. */
    static <T> T join(CompletableFuture<T> loading) {
        try {
            return loading.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Waits for a background load that the run, failing with {@code runFailure}, will not use, and closes what it
     * loaded; the load's own failure goes with the run's. The process must not exit while ONNX Runtime is still
     * making a session on that thread: its native teardown at exit crashes under it (SIGSEGV, exit 134 and an
     * hs_err file in the working directory in place of the run's error: an in-process broker that failed to start
     * while the model loaded).
     */
    static <T> void release(CompletableFuture<T> loading, Consumer<T> close, RuntimeException runFailure) {
        try {
            close.accept(join(loading));
        } catch (RuntimeException loadFailure) {
            runFailure.addSuppressed(loadFailure);
        }
    }

    /**
     * Starts the stages at once and ingest beside them: joining the consumer groups is most of a short run's
     * start-up, and what ingest publishes meanwhile waits on the topic for the stages.
     *
     * @param ingest   publishes the inputs; runs on its own thread, interrupted when the run ends early
     * @param onRecord gets each output record (not the end markers) as it arrives
     * @return the exit code: 0, or {@link UserFacingError#FAILED} when a stream or record failed
     */
    static int run(OutputWatcher watcher, List<StreamsStage> stages, Ingest ingest, Consumer<Object> onRecord)
            throws Exception {
        Failures failures = (streamId, error, streamClosed) -> {
            synchronized (watcher) {
                if (streamClosed) {
                    watcher.problems().add(streamId + ": " + error);
                } else {
                    watcher.abandon(streamId, error);
                }
            }
        };
        ExecutorService ingestThread = Executors.newSingleThreadExecutor();
        try {
            stages.forEach(StreamsStage::begin);
            Future<?> ingesting = ingestThread.submit(() -> {
                ingest.publish(failures);
                return null;
            });
            for (StreamsStage stage : stages) {
                stage.awaitRunning(STAGE_START);
            }
            while (true) {
                synchronized (watcher) {
                    if (watcher.done()) {
                        break;
                    }
                    watcher.poll(Duration.ofMillis(200), onRecord);
                }
                for (StreamsStage stage : stages) {
                    if (stage.failed()) {
                        throw new UserFacingError("stage " + stage.stage() + " failed; see the log above", UserFacingError.FAILED);
                    }
                }
                if (ingesting.isDone()) {
                    ingesting.get();
                }
            }
            ingesting.get();
        } finally {
            ingestThread.shutdownNow();
            // A stage that failed leaves sources running: they stop on the interrupt, and must have closed their
            // streams before the command closes the producer they send with.
            ingestThread.awaitTermination(INGEST_STOP.toSeconds(), TimeUnit.SECONDS);
            // Each stage commits and closes its producers when it shuts down: side by side, not one after another.
            stages.forEach(StreamsStage::beginClose);
        }
        watcher.problems().forEach(problem -> System.err.println("sensorium: " + problem));
        return watcher.problems().isEmpty() ? 0 : UserFacingError.FAILED;
    }
}
