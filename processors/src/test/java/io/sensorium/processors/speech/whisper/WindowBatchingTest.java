package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sensorium.processors.onnx.RunBatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Windows that stream threads submit at the same moment go through the model together, or side by side, and each
 * thread gets what its window gives alone; windows of different prompt lengths, or one the model rejects, do not
 * spoil the others.
 */
class WindowBatchingTest {
    private static final int THREADS = 4;
    private static WhisperTranscriber transcriber;
    private static List<WhisperTranscriber.Window> windows;
    private SimpleMeterRegistry meters;
    private ExecutorService threads;

    @BeforeAll
    static void load() throws Exception {
        transcriber = new WhisperTranscriber(Fixtures.randomWhisper(WhisperModel.DecoderGraphs.AUTO), true, 24,
                TemperatureFallback.greedyOnly(-1.0, 0.6));
        windows = new ArrayList<>();
        for (String name : new String[] {"noise.f32", "smooth.f32", "noise.f32", "smooth.f32"}) {
            windows.add(WhisperTranscriber.Window.whole(Fixtures.referenceWindow(name), 2000));
        }
    }

    @BeforeEach
    void start() {
        meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        threads = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        Metrics.removeRegistry(meters);
    }

    @Test
    void windowsSubmittedTogetherRunAsOneBatchAndEachGetsItsOwnTranscript() {
        var batcher = batcher(8, 10_000, THREADS);

        List<WhisperTranscriber.WindowTranscript> batched = submitAll(batcher, windows);

        // All four threads came within the (long) wait, so no window waited for the wait to run out.
        assertThat(meters.get("sensorium.speech.batch.size").summary().max()).isEqualTo(THREADS);
        for (int i = 0; i < windows.size(); i++) {
            assertThat(batched.get(i).decoding().tokens()).as("window " + i)
                    .containsExactly(transcriber.transcribeWindow(windows.get(i)).decoding().tokens());
        }
    }

    @Test
    void windowsTranscribedSideBySideEachGetTheirOwnTranscript() {
        var sideBySide = batcher(1, 0, 2, THREADS);

        List<WhisperTranscriber.WindowTranscript> transcripts = submitAll(sideBySide, windows);

        for (int i = 0; i < windows.size(); i++) {
            assertThat(transcripts.get(i).decoding().tokens()).as("window " + i)
                    .containsExactly(transcriber.transcribeWindow(windows.get(i)).decoding().tokens());
        }
    }

    @Test
    void aBatchNeverExceedsItsSizeAndOneThreadNeverWaits() {
        var pairs = batcher(2, 10_000, THREADS);
        submitAll(pairs, windows);
        assertThat(meters.get("sensorium.speech.batch.size").summary().max()).isEqualTo(2);

        var alone = batcher(8, 10_000, 1);
        long started = System.nanoTime();
        alone.run(windows.get(0));
        assertThat(System.nanoTime() - started).as("a lone thread does not wait 10 s for company")
                .isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void windowsWithPromptsOfDifferentLengthsAreTranscribedApartAndCorrectly() {
        var batcher = batcher(8, 200, THREADS);
        List<WhisperTranscriber.Window> mixed = new ArrayList<>(windows);
        WhisperTranscriber.Window first = windows.get(0);
        mixed.set(1, WhisperTranscriber.Window.live(windows.get(1).frames(), 2000, WhisperModel.WINDOW_FRAMES,
                new int[] {440, 1263}, new int[0]));
        assertThat(transcriber.shape(mixed.get(1))).isNotEqualTo(transcriber.shape(first));

        List<WhisperTranscriber.WindowTranscript> batched = submitAll(batcher, mixed);

        for (int i = 0; i < mixed.size(); i++) {
            assertThat(batched.get(i).decoding().tokens()).as("window " + i)
                    .containsExactly(transcriber.transcribeWindow(mixed.get(i)).decoding().tokens());
        }
    }

    @Test
    void aWindowTheModelRejectsFailsAloneAndTheOthersOfItsBatchAreTranscribed() {
        var batcher = batcher(8, 10_000, THREADS);
        List<WhisperTranscriber.Window> withBad = new ArrayList<>(windows);
        float[][] wrongBins = new float[WhisperModel.WINDOW_FRAMES][40];
        withBad.set(2, WhisperTranscriber.Window.whole(wrongBins, 100));

        List<CompletableFuture<WhisperTranscriber.WindowTranscript>> results = submit(batcher, withBad);

        for (int i = 0; i < withBad.size(); i++) {
            if (i == 2) {
                assertThatThrownBy(results.get(i)::join).hasRootCauseInstanceOf(IllegalArgumentException.class)
                        .hasStackTraceContaining("mel bins");
            } else {
                assertThat(results.get(i).join().decoding().tokens()).as("window " + i)
                        .containsExactly(transcriber.transcribeWindow(withBad.get(i)).decoding().tokens());
            }
        }
    }

    @Test
    void threadsTakeTheModelInTheOrderTheyAskedForItAndNoneIsOvertakenMoreThanOncePerOtherThread() throws Exception {
        var batcher = batcher(1, 0, THREADS);
        AtomicLong done = new AtomicLong();
        List<Future<Long>> overtaken = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            WhisperTranscriber.Window window = windows.get(t);
            overtaken.add(threads.submit(() -> {
                long most = 0;
                for (int round = 0; round < 6; round++) {
                    long before = done.get();
                    batcher.run(window);
                    most = Math.max(most, done.incrementAndGet() - before - 1);
                }
                return most;
            }));
        }

        for (Future<Long> thread : overtaken) {
            // Ahead of a window: the one running and those of the other threads already waiting.
            assertThat(thread.get(60, TimeUnit.SECONDS)).isLessThanOrEqualTo(THREADS - 1);
        }
    }

    /** The speech stage's batcher: over the transcriber, windows of one shape together. */
    private static RunBatcher<WhisperTranscriber.Window, WhisperTranscriber.WindowTranscript> batcher(int maxBatch,
            long maxWaitMs, int submitters) {
        return batcher(maxBatch, maxWaitMs, 1, submitters);
    }

    private static RunBatcher<WhisperTranscriber.Window, WhisperTranscriber.WindowTranscript> batcher(int maxBatch,
            long maxWaitMs, int maxRunning, int submitters) {
        return new RunBatcher<>(transcriber::shape, transcriber::transcribeWindows, "sensorium.speech.batch.size",
                maxBatch, maxWaitMs, maxRunning, submitters);
    }

    private List<WhisperTranscriber.WindowTranscript> submitAll(RunBatcher<WhisperTranscriber.Window, WhisperTranscriber.WindowTranscript> batcher,
                                                               List<WhisperTranscriber.Window> all) {
        return submit(batcher, all).stream().map(CompletableFuture::join).toList();
    }

    private List<CompletableFuture<WhisperTranscriber.WindowTranscript>> submit(RunBatcher<WhisperTranscriber.Window, WhisperTranscriber.WindowTranscript> batcher,
                                                                                List<WhisperTranscriber.Window> all) {
        return all.stream().map(window -> CompletableFuture.supplyAsync(() -> batcher.run(window), threads))
                .toList();
    }
}
