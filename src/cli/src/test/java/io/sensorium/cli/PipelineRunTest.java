package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A background model load that a failed start-up abandons: waited for and released before the run's error goes. */
class PipelineRunTest {
    private static final long LOAD_MS = 300;

    @Test
    void anAbandonedLoadIsWaitedForAndClosedBeforeTheRunFails() {
        AtomicLong loadedAt = new AtomicLong();
        CompletableFuture<AtomicBoolean> loading = CompletableFuture.supplyAsync(() -> {
            sleep(LOAD_MS);
            loadedAt.set(System.nanoTime());
            return new AtomicBoolean();
        });
        IllegalStateException runFailure = new IllegalStateException("cannot start the in-process Kafka broker");

        PipelineRun.release(loading, loaded -> loaded.set(true), runFailure);

        long returnedAt = System.nanoTime();
        assertThat(loading).isDone();
        assertThat(loadedAt.get()).as("loaded before release returned").isPositive().isLessThanOrEqualTo(returnedAt);
        assertThat(loading.join()).as("what it loaded, closed").isTrue();
        assertThat(runFailure.getSuppressed()).isEmpty();
    }

    @Test
    void aLoadThatFailedToGoesWithTheRunsError() {
        CompletableFuture<AtomicBoolean> loading = CompletableFuture.supplyAsync(() -> {
            sleep(LOAD_MS);
            throw new IllegalArgumentException("model /models/whisper-x lacks encoder_model.onnx");
        });
        IllegalStateException runFailure = new IllegalStateException("cannot start the in-process Kafka broker");

        PipelineRun.release(loading, loaded -> loaded.set(true), runFailure);

        assertThat(runFailure.getSuppressed()).singleElement().isInstanceOf(IllegalArgumentException.class)
                .extracting(Throwable::getMessage).asString().contains("lacks encoder_model.onnx");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
