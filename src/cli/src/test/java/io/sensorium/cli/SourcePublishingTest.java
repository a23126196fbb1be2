package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.ingest.audio.AudioIngest;
import io.sensorium.ingest.audio.AudioServer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources published side by side: a live source does not wait for another to end, a stop ends them all with their
 * end markers, and no thread is left behind.
 */
class SourcePublishingTest {
    private static final SensoriumConfig.Audio AUDIO = new SensoriumConfig.Audio(1.0, AudioServer.RATE, 1_000_000, 80);
    private static final SensoriumConfig.Live LIVE = new SensoriumConfig.Live(0.05, 0.2, 0);

    @Test
    void liveSourcesAreReadAtOnceAndAStopEndsThemAll(@TempDir Path dir) throws Exception {
        Map<String, String> streams = new LinkedHashMap<>();
        for (String name : List.of("first", "second")) {
            Path fifo = dir.resolve(name + ".fifo");
            assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
            streams.put(name, fifo.toString());
        }
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        AudioIngest ingest = new AudioIngest(producer, "audio", "dead", AUDIO, LIVE, AudioIngest.Reading.AS_IS);
        List<AudioIngest.Result> results = new CopyOnWriteArrayList<>();
        // Both pipes are read at once only if the second one's audio is taken in while the first writer is still open
        // (each counts down once the reader has taken all its audio: more than a pipe holds). Counted down before
        // writing, a stop could close a pipe under a writer still writing: a broken pipe.
        CountDownLatch bothOpen = new CountDownLatch(2);
        ExecutorService speakers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> writers = streams.values().stream().map(fifo -> speakers.submit(() -> {
                try (OutputStream out = Files.newOutputStream(Path.of(fifo))) {
                    out.write(AudioServer.wavHeader(-1));
                    // More than the 64 KB FFmpeg's WAV reader takes in before it gives a sample: it opens a source
                    // under JavaCV's global lock, so a pipe that has not sent that much holds up the next one's opening.
                    out.write(new byte[4 * 2 * AudioServer.RATE]);
                    out.flush();
                    bothOpen.countDown();
                    bothOpen.await();
                    Thread.sleep(1000);
                }
                return null;
            })).toList();
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                try {
                    SourcePublishing.publishAll(ingest::publish, ingest::stop, streams, false, results::add);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(bothOpen.await(30, TimeUnit.SECONDS)).as("both pipes open at once").isTrue();
            ingest.stop();
            publishing.get(30, TimeUnit.SECONDS);
            for (Future<Object> writer : writers) {
                writer.get(30, TimeUnit.SECONDS);
            }
        } finally {
            speakers.shutdownNow();
        }

        assertThat(results).extracting(AudioIngest.Result::streamId).containsExactlyInAnyOrder("first", "second");
        assertThat(results).allMatch(AudioIngest.Result::ok).allMatch(AudioIngest.Result::streamClosed);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().startsWith("sensorium-ingest-"));
    }
}
