package io.sensorium.ingest.video;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.TestKafka;
import io.sensorium.core.kafka.TopicAdmin;
import io.sensorium.core.records.ImageFrame;
import io.sensorium.core.records.ImageFrameSerde;
import io.sensorium.core.records.RecordHeaders;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import io.sensorium.core.kafka.DeadLetters;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live HTTP camera (an MPEG-TS stream served by a local server) drops mid-stream and refuses one reconnection:
 * ingest reconnects with back-off and goes on, frame numbers and times continuing, and stops cleanly — end marker
 * last — when asked, having counted its attempts and connections apart. A camera that never answers is given up
 * after the configured attempts, which the dead letter counts: so many attempts, no connection.
 */
class LiveSourceReconnectTest {
    private static final int FRAMES = 20;

    @Test
    void reconnectsAfterADropAndStopsCleanly(@TempDir Path dir) throws Exception {
        Path clip = VideoFiles.mpegTs(dir.resolve("camera.ts"), FRAMES, 10, 160, 120);
        byte[] stream = Files.readAllBytes(clip);
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/camera.ts", exchange -> {
            // The first connection drops after about half the stream, the first reconnection is refused (both of its
            // requests: JavaCV tries a failed open again without its pixel-format option), later ones get all of it.
            int request = requests.incrementAndGet();
            if (request == 2 || request == 3) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            int bytes = request == 1 ? stream.length / 2 : stream.length;
            exchange.getResponseHeaders().set("Content-Type", "video/mp2t");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(stream, 0, bytes);
            }
        });
        server.start();
        String topic = "live-" + UUID.randomUUID();
        TopicAdmin.ensureTopics(TestKafka.connection(), List.of(topic, topic + ".dlq"), 1, (short) -1, Map.of());
        SensoriumConfig.Video video = new SensoriumConfig.Video(0, 0, 90, 89_478_485);
        SensoriumConfig.Live live = new SensoriumConfig.Live(0.05, 0.2, 0);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            VideoIngest ingest = new VideoIngest(producer, topic, topic + ".dlq", video, live, null);
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/camera.ts";
            CompletableFuture<VideoIngest.Result> running = CompletableFuture.supplyAsync(() -> ingest.publish("cam", url));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (requests.get() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            ingest.stop();
            VideoIngest.Result result = running.get(30, TimeUnit.SECONDS);

            assertThat(requests.get()).as("requests the camera saw").isGreaterThanOrEqualTo(5);
            assertThat(result.error()).isNull();
            assertThat(result.connections()).isGreaterThanOrEqualTo(3);
            assertThat(result.attempts()).as("one attempt refused").isEqualTo(result.connections() + 1);
            assertThat(result.frames()).as("part of the first connection's frames, then at least a whole pass")
                    .isGreaterThan(FRAMES);

            List<Boolean> liveFlags = new ArrayList<>();
            List<ImageFrame> frames = read(topic, result.frames() + 1, liveFlags);
            assertThat(frames).hasSize((int) result.frames() + 1);
            assertThat(liveFlags).as("a live URL's frames say so, for the vision stage's live-frames policy").containsOnly(true);
            for (int i = 0; i < result.frames(); i++) {
                assertThat(frames.get(i).sequence()).isEqualTo(i);
                assertThat(frames.get(i).width()).isEqualTo(160);
                if (i > 0) {
                    assertThat(frames.get(i).timestampMicros()).isGreaterThan(frames.get(i - 1).timestampMicros());
                }
            }
            assertThat(frames.get(frames.size() - 1).endOfStream()).isTrue();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aCameraThatNeverAnswersIsGivenUpCountingAttemptsAndConnections() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/camera.ts";
        SensoriumConfig.Video video = new SensoriumConfig.Video(0, 0, 90, 89_478_485);
        SensoriumConfig.Live live = new SensoriumConfig.Live(0.05, 0.2, 5);
        List<Long> waits = new ArrayList<>();
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

        VideoIngest.Result result = new VideoIngest(producer, "frames", "dead", video, live, null, waits::add).publish("cam", url);

        assertThat(result.attempts()).as("the first attempt and 5 reconnect attempts").isEqualTo(6);
        assertThat(result.connections()).isZero();
        assertThat(waits).containsExactly(50L, 100L, 200L, 200L, 200L);
        assertThat(result.error()).isEqualTo("gave up on " + url + " after 6 attempts, 0 connections; the last: cannot open "
                + url + ": avformat_open_input(): Connection refused");
        assertThat(result.streamClosed()).isFalse();
        assertThat(producer.history()).singleElement().satisfies(letter -> {
            assertThat(letter.topic()).isEqualTo("dead");
            assertThat(new String(letter.headers().lastHeader(DeadLetters.ERROR).value(), StandardCharsets.UTF_8))
                    .isEqualTo(result.error());
        });
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** @param live gets each record's sensorium.live flag */
    private static List<ImageFrame> read(String topic, long expected, List<Boolean> live) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        ImageFrameSerde serde = new ImageFrameSerde(Integer.MAX_VALUE);
        List<ImageFrame> frames = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (frames.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    frames.add(serde.read(record.key(), record.value(), record.headers()));
                    live.add(RecordHeaders.flag(record.headers(), RecordHeaders.LIVE));
                }
            }
        }
        return frames;
    }
}
