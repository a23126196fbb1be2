package io.sensorium.processors.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How many runs a batcher lets through at once, whatever its threads bring. */
class RunBatcherTest {
    private static final int THREADS = 6;
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void upToMaxRunningBatchesRunAtOnceAndNeverMore() {
        assertThat(mostAtOnce(1)).isEqualTo(1);
        assertThat(mostAtOnce(2)).isEqualTo(2);
        assertThat(mostAtOnce(3)).isEqualTo(3);
    }

    /** Six threads, each running four inputs through a slow model in batches of one: the most runs seen at once. */
    private int mostAtOnce(int maxRunning) {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Function<List<Integer>, List<Integer>> slowModel = inputs -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
            return inputs.stream().map(input -> -input).toList();
        };
        RunBatcher<Integer, Integer> batcher = new RunBatcher<>(input -> "one shape", slowModel,
                "sensorium.test.batch.size", 1, 0, maxRunning, THREADS);
        List<CompletableFuture<List<Integer>>> outputs = new ArrayList<>();
        for (int thread = 0; thread < THREADS; thread++) {
            int first = thread * 4;
            outputs.add(CompletableFuture.supplyAsync(() -> IntStream.range(first, first + 4).boxed()
                    .map(batcher::run).toList(), threads));
        }
        for (int thread = 0; thread < THREADS; thread++) {
            int first = thread * 4;
            assertThat(outputs.get(thread).join()).as("each input's own output")
                    .containsExactly(-first, -first - 1, -first - 2, -first - 3);
        }
        return most.get();
    }
}
