package io.sensorium.processors.onnx;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Gathers the inputs that several threads (a stage's stream threads) have ready at the same moment into one model
 * run, as Triton's dynamic batcher and DeepStream's stream muxer do: the speech stage's windows of several streams,
 * the vision stage's frames of several cameras. On an accelerator a batch of eight costs little more than one; on CPU
 * cores it depends on the graph (a cached Whisper decoder step of eight rows costs less than twice one; the encoder,
 * eight times one: see the bench's LiveBatching and VisionBatching). Inputs batch with
 * others of their shape only. The first input of a batch waits up to {@code maxWait} for others, and no longer than
 * it takes every other thread to bring one; a full batch goes at once. The model runs up to {@code maxRunning}
 * batches at a time, in the order they were opened, and a batch waiting for its turn goes on taking inputs. On CPU
 * cores two runs side by side pay about as a batch does, and for inputs of any shape: a run of one live window or one
 * decoder row is too small to keep ONNX Runtime's threads busy, and with spinning off (as {@code ModelFiles} sets it)
 * the idle ones leave their core to the other run (tiny.en int8, 8 live windows on 2 cores: 1.21x the windows per
 * second of one run at a time; the bench's LiveBatching). The threads block until their own input's output is done.
 *
 * @param <I> a model input
 * @param <O> its output
 */
public final class RunBatcher<I, O> {
    private final Function<I, ?> shape;
    private final Function<List<I>, List<O>> model;
    private final DistributionSummary batchSizes;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final int maxRunning;
    /** Of the threads that submit, how many could join a batch besides its first: a batch never waits for more. */
    private final int others;
    private final Map<Object, Batch<I, O>> open = new HashMap<>();
    /**
     * Batches take the model by ticket, in the order they were opened: woken all at once, threads would otherwise take
     * it in no order at all, and with eight streams on two cores one was seen waiting 76 s while the others took
     * turns, until Kafka fenced its transaction. A ticket may run once fewer than {@code maxRunning} tickets before
     * it are unfinished: while {@code ticket < finished + maxRunning}. Guarded by this batcher's lock, like
     * {@link #open}.
     */
    private long ticketsIssued;
    private long finished;

    /**
     * @param shape      what inputs must share to run in one batch (equal shapes batch)
     * @param model      runs a batch of inputs of one shape, giving one output per input in their order
     * @param meter      the name of the distribution of batch sizes, e.g. {@code sensorium.vision.batch.size}
     * @param maxBatch   most inputs in one run
     * @param maxWaitMs  how long the first input of a batch waits for others
     * @param maxRunning most batches run through the model at once
     * @param submitters how many threads submit inputs: with one, nothing ever waits
     */
    public RunBatcher(Function<I, ?> shape, Function<List<I>, List<O>> model, String meter, int maxBatch,
                      long maxWaitMs, int maxRunning, int submitters) {
        this.shape = shape;
        this.model = model;
        this.batchSizes = DistributionSummary.builder(meter).description("inputs run through the model in one call")
                .register(Metrics.globalRegistry);
        this.maxBatch = maxBatch;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.maxRunning = maxRunning;
        this.others = submitters - 1;
    }

    private static final class Batch<I, O> {
        final List<I> inputs = new ArrayList<>();
        final List<CompletableFuture<O>> results = new ArrayList<>();
        final long ticket;
        boolean closed;

        Batch(long ticket) {
            this.ticket = ticket;
        }
    }

    /** Runs the input through the model, in a batch with those other threads submit meanwhile. */
    public O run(I input) {
        Object key = shape.apply(input);
        CompletableFuture<O> result = new CompletableFuture<>();
        Batch<I, O> batch;
        boolean first;
        synchronized (this) {
            batch = open.computeIfAbsent(key, k -> new Batch<>(ticketsIssued++));
            batch.inputs.add(input);
            batch.results.add(result);
            first = batch.inputs.size() == 1;
            if (batch.inputs.size() >= Math.min(maxBatch, others + 1)) {
                close(key, batch);
            }
            if (first) {
                awaitOthers(key, batch);
            }
        }
        if (first) {
            try {
                run(batch);
            } finally {
                synchronized (this) {
                    finished++;
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
     * Called holding the lock, by the batch's first thread, which returns when the batch may run: it takes inputs
     * until it is full, or the wait is over and its turn has come. The lock is released while waiting.
     */
    private void awaitOthers(Object key, Batch<I, O> batch) {
        long deadline = System.nanoTime() + maxWaitNanos;
        boolean interrupted = false;
        while (!turnCame(batch) || !batch.closed && System.nanoTime() < deadline) {
            try {
                long left = deadline - System.nanoTime();
                if (!turnCame(batch) || left <= 0) {
                    wait();
                } else {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                // A stream thread is interrupted only when its application is shutting down: the inputs of the
                // batch still get their outputs, and the thread keeps its interrupt status.
                interrupted = true;
            }
        }
        close(key, batch);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean turnCame(Batch<I, O> batch) {
        return batch.ticket < finished + maxRunning;
    }

    private void close(Object key, Batch<I, O> batch) {
        if (!batch.closed) {
            batch.closed = true;
            open.remove(key, batch);
            notifyAll();
        }
    }

    /**
     * Runs a closed batch and hands each thread its output. Where the batch fails, each input is tried alone, so
     * that one the model cannot take fails its own stream only.
     */
    private void run(Batch<I, O> batch) {
        batchSizes.record(batch.inputs.size());
        try {
            List<O> outputs = model.apply(batch.inputs);
            for (int i = 0; i < outputs.size(); i++) {
                batch.results.get(i).complete(outputs.get(i));
            }
        } catch (RuntimeException batchFailure) {
            if (batch.inputs.size() == 1) {
                batch.results.get(0).completeExceptionally(batchFailure);
                return;
            }
            for (int i = 0; i < batch.inputs.size(); i++) {
                try {
                    batch.results.get(i).complete(model.apply(List.of(batch.inputs.get(i))).get(0));
                } catch (RuntimeException alone) {
                    batch.results.get(i).completeExceptionally(alone);
                }
            }
        }
    }
}
