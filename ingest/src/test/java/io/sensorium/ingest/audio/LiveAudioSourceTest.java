package io.sensorium.ingest.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.AudioChunk;
import io.sensorium.core.records.AudioChunkSerde;
import io.sensorium.ingest.audio.AudioServer.Segment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live audio: an HTTP radio stream that ends and is refused once is reconnected, its stream time running on from
 * the audio received; a named pipe fed slowly (WAV or raw PCM) is published as it arrives, and a stop ends it even
 * while its writer is silent; {@code --realtime} paces a file at 1x.
 */
class LiveAudioSourceTest {
    private static final int RATE = 16_000;
    private static final SensoriumConfig.Audio AUDIO = new SensoriumConfig.Audio(1.0, RATE, 1_000_000, 80);
    private static final SensoriumConfig.Live LIVE = new SensoriumConfig.Live(0.05, 0.2, 0);
    private static final AudioChunkSerde SERDE = new AudioChunkSerde(Integer.MAX_VALUE);
    /** Writes per second into a pipe. */
    private static final int PIECES = 20;

    @Test
    void aStreamThatDropsIsReconnectedAndItsSampleOffsetsRunOn() throws Exception {
        // Request 1 gets 2.5 s and the connection is closed; the reconnection is refused (both of its requests: JavaCV
        // opens a failed input again without its options); request 4 gets 2 s more and is closed; request 5 goes on
        // for as long as it is read. Each serves the broadcast from where the last left off.
        int first = 40_000;
        int second = 32_000;
        try (AudioServer server = new AudioServer(LiveAudioSourceTest::broadcast, request -> switch (request) {
            case 1 -> new Segment(0, first, false);
            case 2, 3 -> null;
            case 4 -> new Segment(first, second, false);
            default -> new Segment(first + second, Segment.FOREVER, true);
        })) {
            MockProducer<String, byte[]> producer = producer();
            AudioIngest ingest = new AudioIngest(producer, "audio", "dead", AUDIO, LIVE, AudioIngest.Reading.AS_IS);
            CompletableFuture<AudioIngest.Result> running = CompletableFuture.supplyAsync(() -> ingest.publish("radio", server.url()));
            awaitChunks(producer, (first + second) / RATE + 2);
            ingest.stop();
            AudioIngest.Result result = running.get(30, TimeUnit.SECONDS);

            assertThat(result.error()).isNull();
            assertThat(result.connections()).isEqualTo(3);
            assertThat(result.attempts()).as("one attempt refused").isEqualTo(4);
            List<AudioChunk> chunks = chunks(producer);
            assertThat(chunks).hasSize((int) result.chunks());
            assertThat(chunks.get(chunks.size() - 1).endOfStream()).isTrue();
            long offset = 0;
            for (int i = 0; i < chunks.size(); i++) {
                AudioChunk chunk = chunks.get(i);
                assertThat(chunk.sequence()).isEqualTo(i);
                assertThat(chunk.sampleOffset()).as("chunk %d starts where the last ended", i).isEqualTo(offset);
                assertThat(chunk.endOfStream()).isEqualTo(i == chunks.size() - 1);
                for (int s = 0; s < chunk.samples().length; s++) {
                    assertThat(chunk.samples()[s]).as("sample %d", offset + s).isEqualTo(broadcast(offset + s));
                }
                offset += chunk.samples().length;
            }
            assertThat(offset).isEqualTo(result.samples()).isGreaterThan(first + second);
        }
    }

    @Test
    void aStreamThatStaysDownIsGivenUpAndStillGetsItsEndMarker() throws Exception {
        try (AudioServer server = new AudioServer(LiveAudioSourceTest::broadcast,
                request -> request == 1 ? new Segment(0, RATE, false) : null)) {
            MockProducer<String, byte[]> producer = producer();
            List<Long> waits = new ArrayList<>();
            AudioIngest.Result result = new AudioIngest(producer, "audio", "dead", AUDIO,
                    new SensoriumConfig.Live(0.05, 0.2, 3), AudioIngest.Reading.AS_IS, waits::add).publish("radio", server.url());

            assertThat(result.attempts()).as("the first attempt and 3 reconnections").isEqualTo(4);
            assertThat(result.connections()).isEqualTo(1);
            assertThat(waits).as("the first wait follows the end of the connection").containsExactly(50L, 100L, 200L);
            assertThat(result.error()).startsWith("gave up on " + server.url() + " after 4 attempts, 1 connections; the last: cannot open "
                    + server.url() + ": avformat_open_input(): ");
            assertThat(result.streamClosed()).isTrue();
            List<AudioChunk> chunks = chunks(producer);
            assertThat(chunks).extracting(AudioChunk::sampleOffset).containsExactly(0L, (long) RATE);
            assertThat(chunks.get(1).endOfStream()).isTrue();
            assertThat(producer.history()).filteredOn(record -> record.topic().equals("dead")).singleElement();
        }
    }

    @Test
    void aPipeFedSlowlyIsPublishedAsItArrives(@TempDir Path dir) throws Exception {
        assertPublishedAsItArrives(dir, true, AudioIngest.Reading.AS_IS);
    }

    @Test
    void rawPcmOnAPipeIsPublishedAsItArrives(@TempDir Path dir) throws Exception {
        assertPublishedAsItArrives(dir, false, new AudioIngest.Reading(new RawFormat("s16le", RATE, 1), false));
    }

    /**
     * Writes 4 s into a pipe at 1x, 50 ms at a time as a sound card's driver would, and times when each second comes out as a chunk. A
     * WAV's first chunk waits for FFmpeg's WAV reader, which reads the first 64 KB (2 s) before it returns a sample
     * to see whether they hide S/PDIF-wrapped AC-3 or DTS; from then on, and for raw PCM from the first, a chunk
     * goes out once the packet holding its last sample is whole (FFmpeg reads 1024 or 2048 samples to a packet).
     */
    private static void assertPublishedAsItArrives(Path dir, boolean wav, AudioIngest.Reading reading) throws Exception {
        Path fifo = mkfifo(dir.resolve("live.fifo"));
        int seconds = 4;
        long[] written = new long[seconds];
        CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                if (wav) {
                    out.write(AudioServer.wavHeader(-1));
                }
                for (int piece = 0; piece < PIECES * seconds; piece++) {
                    out.write(pcm((long) piece * RATE / PIECES, RATE / PIECES));
                    out.flush();
                    if (piece % PIECES == PIECES - 1) {
                        written[piece / PIECES] = System.nanoTime();
                    }
                    Thread.sleep(1000 / PIECES);
                }
                return System.nanoTime();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        MockProducer<String, byte[]> producer = producer();
        AudioIngest ingest = new AudioIngest(producer, "audio", "dead", AUDIO, LIVE, reading);
        CompletableFuture<AudioIngest.Result> running = CompletableFuture.supplyAsync(() -> ingest.publish("mic", fifo.toString()));
        long[] sent = new long[seconds];
        for (int k = 0; k < seconds; k++) {
            sent[k] = awaitChunks(producer, k + 1);
        }
        long writerDone = writer.get(30, TimeUnit.SECONDS);
        AudioIngest.Result result = running.get(30, TimeUnit.SECONDS);

        StringBuilder delays = new StringBuilder();
        for (int k = 0; k < seconds; k++) {
            delays.append(String.format(" %.3f", (sent[k] - written[k]) / 1e9));
        }
        System.out.printf("%s pipe: each second published, after it was written (s):%s%n", wav ? "WAV" : "raw PCM", delays);
        assertThat(sent[0]).as("the first chunk is sent before the writer is done").isLessThan(writerDone);
        // A WAV's first two seconds (64,044 bytes with the header) both end inside the 64 KB FFmpeg's reader takes
        // before its first sample, so both wait for it.
        for (int k = wav ? 2 : 0; k < seconds; k++) {
            assertThat((sent[k] - written[k]) / 1e9).as("delay of second %d", k).isLessThan(0.5);
        }
        assertThat(result.error()).isNull();
        assertThat(chunks(producer)).extracting(chunk -> chunk.samples().length).containsExactly(RATE, RATE, RATE, RATE, 0);
        assertThat(chunks(producer).get(2).samples()[5]).isEqualTo(broadcast(2 * RATE + 5));
    }

    @Test
    void aPipeWhoseWriterFallsSilentEndsAtTheStopWithAllItHeard(@TempDir Path dir) throws Exception {
        // A muted microphone: the writer keeps its end open and sends nothing more, so nothing wakes the read FFmpeg
        // waits in; the stop still ends the stream, and the samples FFmpeg held in an unfinished packet still count.
        Path fifo = mkfifo(dir.resolve("muted.fifo"));
        int samples = 2 * RATE + RATE / 3;
        CountDownLatch unmuted = new CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(AudioServer.wavHeader(-1));
                out.write(pcm(0, samples));
                out.flush();
                unmuted.await();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        MockProducer<String, byte[]> producer = producer();
        AudioIngest ingest = new AudioIngest(producer, "audio", "dead", AUDIO, LIVE, AudioIngest.Reading.AS_IS);
        CompletableFuture<AudioIngest.Result> running = CompletableFuture.supplyAsync(() -> ingest.publish("mic", fifo.toString()));
        awaitChunks(producer, 2);
        // Time for FFmpeg to take in all that was written.
        Thread.sleep(1000);
        AudioIngest.Result result = stopAndTime(ingest, running);
        unmuted.countDown();
        writer.get(30, TimeUnit.SECONDS);

        assertThat(result.error()).isNull();
        assertThat(result.samples()).as("every sample written before the stop").isEqualTo(samples);
        assertThat(chunks(producer)).extracting(chunk -> chunk.samples().length).containsExactly(RATE, RATE, RATE / 3);
        assertThat(chunks(producer)).extracting(AudioChunk::endOfStream).containsExactly(false, false, true);
        assertThat(chunks(producer).get(2).samples()[RATE / 3 - 1]).isEqualTo(broadcast(samples - 1));
        assertThat(producer.history()).noneMatch(record -> record.topic().equals("dead"));
    }

    @Test
    void aPipeNoWriterOpenedEndsAtTheStopAsAnEmptyStream(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir.resolve("unplugged.fifo"));
        MockProducer<String, byte[]> producer = producer();
        AudioIngest ingest = new AudioIngest(producer, "audio", "dead", AUDIO, LIVE, AudioIngest.Reading.AS_IS);
        CompletableFuture<AudioIngest.Result> running = CompletableFuture.supplyAsync(() -> ingest.publish("mic", fifo.toString()));
        Thread.sleep(300);
        AudioIngest.Result result = stopAndTime(ingest, running);
        // Lets the ingest's reader, still waiting in the pipe's open, go.
        Files.newOutputStream(fifo).close();

        assertThat(result.error()).as("a stop is how a live source ends, not its fault").isNull();
        assertThat(result.streamClosed()).isTrue();
        assertThat(chunks(producer)).singleElement().satisfies(chunk -> {
            assertThat(chunk.endOfStream()).isTrue();
            assertThat(chunk.samples()).isEmpty();
        });
        assertThat(producer.history()).noneMatch(record -> record.topic().equals("dead"));
    }

    /**
     * MP3 and FLAC through a pipe decode as from the file, except an MP3's end padding (under one frame: 576 samples at
     * 16 kHz): FFmpeg drops it only where it can ask the source's size, as it cannot of a pipe (`ffmpeg -i pipe:0`
     * keeps it too).
     */
    @Test
    void compressedAudioOnAPipeIsFoundWithinTheShortProbe(@TempDir Path dir) throws Exception {
        for (String name : List.of("jfk.mp3", "jfk.flac")) {
            Path file = AudioDecoderTest.fixture(name);
            Path fifo = mkfifo(dir.resolve(name + ".fifo"));
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream out = Files.newOutputStream(fifo)) {
                    Files.copy(file, out);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            short[] piped = AudioDecoder.decodeAll(fifo, RATE);
            short[] whole = AudioDecoder.decodeAll(file, RATE);
            writer.get(30, TimeUnit.SECONDS);
            assertThat(piped.length - whole.length).as(name).isBetween(0, name.endsWith(".mp3") ? 575 : 0);
            assertThat(Arrays.copyOf(piped, whole.length)).as(name).isEqualTo(whole);
        }
    }

    @Test
    void realtimePacesAFileAtOnceItsLength(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("three-seconds.wav");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(AudioServer.wavHeader(3 * RATE));
            out.write(pcm(0, 3 * RATE));
        }
        MockProducer<String, byte[]> producer = producer();
        AudioIngest ingest = new AudioIngest(producer, "audio", "dead", AUDIO, LIVE, new AudioIngest.Reading(null, true));

        long start = System.nanoTime();
        AudioIngest.Result result = ingest.publish("demo", file.toString());
        double seconds = (System.nanoTime() - start) / 1e9;

        System.out.printf("--realtime: 3 s of audio published in %.3f s%n", seconds);
        assertThat(result.error()).isNull();
        assertThat(result.samples()).isEqualTo(3L * RATE);
        assertThat(seconds).isBetween(2.0, 5.0);
    }

    private static Path mkfifo(Path path) throws Exception {
        assertThat(new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor()).isZero();
        return path;
    }

    /** Stops {@code ingest} and returns what its run gave, which must come within a second of the stop. */
    private static AudioIngest.Result stopAndTime(AudioIngest ingest, CompletableFuture<AudioIngest.Result> running)
            throws Exception {
        long stop = System.nanoTime();
        ingest.stop();
        AudioIngest.Result result = running.get(30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - stop) / 1e9;
        System.out.printf("%s: stream ended %.3f s after the stop%n", result.source(), seconds);
        assertThat(seconds).as("seconds from the stop to the end of the stream").isLessThan(1.0);
        return result;
    }

    /** The broadcast's sample n: a ramp, so a repeated or lost stretch shows as a wrong value where it starts. */
    private static short broadcast(long n) {
        return (short) (n % 20_011 - 10_000);
    }

    private static byte[] pcm(long start, int samples) {
        return AudioServer.pcm(LiveAudioSourceTest::broadcast, start, samples);
    }

    private static MockProducer<String, byte[]> producer() {
        return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    }

    /** Waits until {@code count} chunks were sent; @return when the last of them was seen (System.nanoTime) */
    private static long awaitChunks(MockProducer<String, byte[]> producer, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (chunks(producer).size() < count) {
            assertThat(System.nanoTime()).as("%d chunks within 30 s", count).isLessThan(deadline);
            Thread.sleep(5);
        }
        return System.nanoTime();
    }

    private static List<AudioChunk> chunks(MockProducer<String, byte[]> producer) {
        List<AudioChunk> chunks = new ArrayList<>();
        for (ProducerRecord<String, byte[]> record : producer.history()) {
            if (record.topic().equals("audio")) {
                chunks.add(SERDE.read(record.key(), record.value(), record.headers()));
            }
        }
        return chunks;
    }
}
