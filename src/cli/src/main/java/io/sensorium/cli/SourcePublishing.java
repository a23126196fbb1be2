package io.sensorium.cli;

import io.sensorium.ingest.InputPaths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * How {@code transcribe}, {@code detect} and {@code ingest} publish their sources, audio and video alike. A live
 * source (a microphone, a camera) has no end of its own, so a source queued behind it would never start: each live
 * source — and with {@code --realtime} each file, which then takes as long as it plays — is published on a thread of
 * its own, while the other files share one thread, in the order given (decoding them all at once would only split the
 * CPU between them). A stop reaches every one of them.
 */
final class SourcePublishing {
    /** How long a stopped source may take to close its stream before its thread is abandoned. */
    private static final long STOP_SECONDS = 30;

    private SourcePublishing() {}

    /**
     * SIGINT/SIGTERM stops every source; when they are all live, that stop is the run's normal end (their streams
     * are whole up to it), so the command exits with its own code.
     */
    static void stopOnSignal(StopOnSignal signal, Runnable stop, Collection<String> sources) {
        if (sources.stream().allMatch(InputPaths::isLive)) {
            signal.stopEndsRun();
        }
        signal.onStop(stop);
    }

    /**
     * Publishes every stream and returns once each has been published (a live one: until stopped or given up).
     * A source that throws stops the others (their streams still end) and its exception is thrown once they have.
     *
     * @param publish  an ingest's publishing of a source as a stream (stream id, source), end marker included, until
     *                 it ends or is stopped
     * @param stop     stops every source being published; each closes its stream
     * @param streams  stream id -> source, in the order given
     * @param onResult gets each stream's result, on the stream's thread, as it ends
     * @throws InterruptedException when interrupted: the sources are stopped and their threads waited for first
     */
    static <R> void publishAll(BiFunction<String, String, R> publish, Runnable stop, Map<String, String> streams,
                               boolean realtime, Consumer<R> onResult) throws InterruptedException {
        List<List<Map.Entry<String, String>>> lanes = lanes(streams, realtime);
        ExecutorService threads = Executors.newFixedThreadPool(lanes.size(), named());
        List<Future<?>> running = new ArrayList<>();
        for (List<Map.Entry<String, String>> lane : lanes) {
            running.add(threads.submit(() -> lane.forEach(stream ->
                    onResult.accept(publish.apply(stream.getKey(), stream.getValue())))));
        }
        threads.shutdown();
        Throwable failure = null;
        try {
            for (Future<?> lane : running) {
                try {
                    lane.get();
                } catch (ExecutionException e) {
                    stop.run();
                    failure = failure == null ? e.getCause() : failure;
                }
            }
        } catch (InterruptedException e) {
            stop.run();
            threads.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS);
            throw e;
        }
        // Every lane has finished: this only waits for its thread to be gone, so that none outlives the call.
        threads.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS);
        if (failure != null) {
            // A lane runs no checked code: what it threw is unchecked.
            if (failure instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) failure;
        }
    }

    /** The live sources one to a lane, the files together in the last (none when there are none). */
    private static List<List<Map.Entry<String, String>>> lanes(Map<String, String> streams, boolean realtime) {
        List<List<Map.Entry<String, String>>> lanes = new ArrayList<>();
        List<Map.Entry<String, String>> files = new ArrayList<>();
        for (Map.Entry<String, String> stream : streams.entrySet()) {
            if (realtime || InputPaths.isLive(stream.getValue())) {
                lanes.add(List.of(stream));
            } else {
                files.add(stream);
            }
        }
        if (!files.isEmpty()) {
            lanes.add(files);
        }
        return lanes;
    }

    private static ThreadFactory named() {
        AtomicInteger count = new AtomicInteger();
        return task -> new Thread(task, "sensorium-ingest-" + count.incrementAndGet());
    }
}
