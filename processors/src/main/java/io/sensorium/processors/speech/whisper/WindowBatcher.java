package io.sensorium.processors.speech.whisper;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Gathers the windows that several threads (a stage's stream threads) have ready at the same moment into one
 * {@link WhisperTranscriber#transcribeWindows} call, as Triton's dynamic batcher does, for accelerators, where a
 * decoder step of eight windows costs little more than one (on two CPU cores it costs more than eight steps of one:
 * the output projection over the vocabulary dominates and grows with the batch; see the bench's LiveBatching, and
 * {@code speech.batch-size}). Windows batch with others of their {@link WhisperTranscriber.BatchShape
 * shape} only. The first window of a batch waits up to {@code maxWait} for others, and no longer than it takes every
 * other thread to bring one; a full batch goes at once. The model runs one batch at a time — runs side by side on the
 * same cores only contend, ONNX Runtime's threads spinning — in the order the batches were opened, and a batch
 * waiting for it goes on taking windows. The threads block until their own window is done.
 */
public final class WindowBatcher {
    private static final DistributionSummary BATCH_SIZE = DistributionSummary.builder("sensorium.speech.batch.size")
            .description("windows transcribed in one model run").register(Metrics.globalRegistry);

    private final WhisperTranscriber transcriber;
    private final int maxBatch;
    private final long maxWaitNanos;
    /** Of the threads that submit, how many could join a batch besides its first: a batch never waits for more. */
    private final int others;
    private final Map<WhisperTranscriber.BatchShape, Batch> open = new HashMap<>();
    /**
     * Batches take the model by ticket, in the order they were opened: woken all at once, threads would otherwise take
     * it in no order at all, and with eight streams on two cores one was seen waiting 76 s while the others took
     * turns, until Kafka fenced its transaction. Guarded by this batcher's lock, like {@link #open}.
     */
    private long ticketsIssued;
    private long serving;

    /**
     * @param maxBatch   most windows in one run
     * @param maxWaitMs  how long the first window of a batch waits for others
     * @param submitters how many threads submit windows: with one, nothing ever waits
     */
    public WindowBatcher(WhisperTranscriber transcriber, int maxBatch, long maxWaitMs, int submitters) {
        this.transcriber = transcriber;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.others = submitters - 1;
    }

    private static final class Batch {
        final List<WhisperTranscriber.Window> windows = new ArrayList<>();
        final List<CompletableFuture<WhisperTranscriber.WindowTranscript>> results = new ArrayList<>();
        final long ticket;
        boolean closed;

        Batch(long ticket) {
            this.ticket = ticket;
        }
    }

    /** Transcribes the window, in a batch with those other threads submit meanwhile. */
    public WhisperTranscriber.WindowTranscript transcribe(WhisperTranscriber.Window window) {
        WhisperTranscriber.BatchShape shape = transcriber.shape(window);
        CompletableFuture<WhisperTranscriber.WindowTranscript> result = new CompletableFuture<>();
        Batch batch;
        boolean first;
        synchronized (this) {
            batch = open.computeIfAbsent(shape, key -> new Batch(ticketsIssued++));
            batch.windows.add(window);
            batch.results.add(result);
            first = batch.windows.size() == 1;
            if (batch.windows.size() >= Math.min(maxBatch, others + 1)) {
                close(shape, batch);
            }
            if (first) {
                awaitOthers(shape, batch);
            }
        }
        if (first) {
            try {
                run(batch);
            } finally {
                synchronized (this) {
                    serving++;
                    notifyAll();
                }
            }
        }
        try {
            return result.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Called holding the lock, by the batch's first thread, which returns holding the model: the batch takes windows
     * until it is full, or the wait is over and its turn has come. The lock is released while waiting.
     */
    private void awaitOthers(WhisperTranscriber.BatchShape shape, Batch batch) {
        long deadline = System.nanoTime() + maxWaitNanos;
        boolean interrupted = false;
        while (serving != batch.ticket || !batch.closed && System.nanoTime() < deadline) {
            try {
                long left = deadline - System.nanoTime();
                if (serving != batch.ticket || left <= 0) {
                    wait();
                } else {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                // A stream thread is interrupted only when its application is shutting down: the windows of the
                // batch still get their transcripts, and the thread keeps its interrupt status.
                interrupted = true;
            }
        }
        close(shape, batch);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void close(WhisperTranscriber.BatchShape shape, Batch batch) {
        if (!batch.closed) {
            batch.closed = true;
            open.remove(shape, batch);
            notifyAll();
        }
    }

    /**
     * Runs a closed batch and hands each thread its transcript. Where the batch fails, each window is tried alone,
     * so that one the model cannot take fails its own stream only.
     */
    private void run(Batch batch) {
        BATCH_SIZE.record(batch.windows.size());
        try {
            List<WhisperTranscriber.WindowTranscript> transcripts = transcriber.transcribeWindows(batch.windows);
            for (int i = 0; i < transcripts.size(); i++) {
                batch.results.get(i).complete(transcripts.get(i));
            }
        } catch (RuntimeException batchFailure) {
            if (batch.windows.size() == 1) {
                batch.results.get(0).completeExceptionally(batchFailure);
                return;
            }
            for (int i = 0; i < batch.windows.size(); i++) {
                try {
                    batch.results.get(i).complete(transcriber.transcribeWindow(batch.windows.get(i)));
                } catch (RuntimeException alone) {
                    batch.results.get(i).completeExceptionally(alone);
                }
            }
        }
    }
}
