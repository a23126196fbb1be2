package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.records.DetectionsEnd;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.ingest.video.LivePacing;
import io.sensorium.ingest.video.VideoFiles;
import io.sensorium.ingest.video.VideoIngest;
import io.sensorium.processors.onnx.SharedModels;
import io.sensorium.processors.vision.VisionTopology;
import io.sensorium.processors.vision.model.VisionModel;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two live HTTP cameras (MPEG-TS served by a local server at {@value #FPS} frames per second) at once, on a real
 * broker, with stages slower than the cameras: the random DETR's preprocessing and model (800-pixel input) take tens
 * of milliseconds a frame. Under {@code vision.live-frames: latest} the frames the stage reaches too late are skipped
 * and counted, and the lag of those processed stays bounded; under {@code all} every frame is processed, however
 * late. With {@code vision.live-pacing} ingest publishes only the frames the stage takes: every frame read is
 * published or held back, and of those published the stage skips few. The two cameras are on partitions of their own,
 * run by two stream threads whose frames share model runs.
 */
class LiveCamerasTest {
    private static final int FRAMES = 200;
    private static final int FPS = 50;
    private static final double MAX_LAG_SECONDS = 0.5;
    /** What a processed frame's lag may add to the bound: its wait for a batch, its model run, its post-processing. */
    private static final double PROCESSING_SECONDS = 1.5;

    /**
     * What one run of the two cameras gave.
     *
     * @param published frames ingest published, by camera
     * @param held      frames ingest read and did not publish (vision.live-pacing)
     * @param skipped   frames the stages skipped
     */
    private record Outcome(Map<String, Long> published, long held, Map<String, Integer> processed, long skipped,
                           double maxLag, double maxBatch) {}

    @Test
    void latestSkipsWhatComesTooLateAndCountsItAllProcessesEveryFrame(@TempDir Path dir) throws Exception {
        byte[] stream = Files.readAllBytes(VideoFiles.mpegTs(dir.resolve("camera.ts"), FRAMES, FPS, 160, 120));

        Outcome latest = run(stream, SensoriumConfig.Vision.LATEST, false);
        int latestProcessed = latest.processed().values().stream().mapToInt(Integer::intValue).sum();
        assertThat(latest.processed()).hasSize(2).allSatisfy((camera, frames) -> assertThat(frames).isPositive());
        assertThat(latest.skipped()).as("frames skipped").isPositive();
        assertThat(latestProcessed + latest.skipped()).as("processed and skipped: every frame").isEqualTo(2L * FRAMES);
        assertThat(latest.maxLag()).as("the most a processed frame lagged, s")
                .isLessThanOrEqualTo(MAX_LAG_SECONDS + PROCESSING_SECONDS);

        Outcome all = run(stream, SensoriumConfig.Vision.ALL, false);
        assertThat(all.processed()).hasSize(2).allSatisfy((camera, frames) -> assertThat(frames).isEqualTo(FRAMES));
        assertThat(all.skipped()).isZero();
        assertThat(all.maxLag()).as("the backlog under all, s").isGreaterThan(MAX_LAG_SECONDS + PROCESSING_SECONDS);
        assertThat(all.maxBatch()).as("frames of both cameras in one model run").isEqualTo(2);
    }

    @Test
    void pacedCamerasPublishOnlyTheFramesTheStageTakes(@TempDir Path dir) throws Exception {
        byte[] stream = Files.readAllBytes(VideoFiles.mpegTs(dir.resolve("camera.ts"), FRAMES, FPS, 160, 120));

        Outcome paced = run(stream, SensoriumConfig.Vision.LATEST, true);
        long published = paced.published().values().stream().mapToLong(Long::longValue).sum();
        assertThat(paced.published()).hasSize(2).allSatisfy((camera, frames) ->
                assertThat(frames).as("frames of " + camera + " published").isPositive().isLessThan(FRAMES));
        assertThat(published + paced.held()).as("published and held back: every frame read").isEqualTo(2L * FRAMES);
        int processed = paced.processed().values().stream().mapToInt(Integer::intValue).sum();
        assertThat(paced.processed()).hasSize(2).allSatisfy((camera, frames) -> assertThat(frames).isPositive());
        assertThat(processed + paced.skipped()).as("published frames processed or skipped").isEqualTo(published);
        assertThat(processed).as("published frames the stage took").isGreaterThanOrEqualTo((int) (published * 3 / 4));
        assertThat(paced.maxLag()).as("the most a processed frame lagged, s")
                .isLessThanOrEqualTo(MAX_LAG_SECONDS + PROCESSING_SECONDS);
    }

    @Test
    void detectReadsItsLiveCamerasAtTheSameTime(@TempDir Path dir) throws Exception {
        byte[] stream = Files.readAllBytes(VideoFiles.mpegTs(dir.resolve("camera.ts"), FRAMES / 2, FPS, 160, 120));
        List<String> cameras = List.of("porch", "yard");
        HttpServer server = serve(stream, cameras);
        try {
            Map<String, String> settings = TestPipeline.isolatedVisionSettings("detr-tiny-random");
            settings.put("vision.live-frames", SensoriumConfig.Vision.ALL);
            // Each camera is given up after its stream ends (the server has it once): that ends the run.
            settings.put("live.reconnect-attempts", "1");
            settings.put("live.reconnect-min-seconds", "0.05");
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            TestPipeline.CliRun run = TestPipeline.cli(List.of("detect"), settings,
                    cameras.stream().map(camera -> base + camera + ".ts").toList());

            Map<String, long[]> captured = new HashMap<>();
            run.stdout().lines().map(line -> DetectionsJson.read(line.getBytes(StandardCharsets.UTF_8)))
                    .filter(FrameDetections.class::isInstance).map(FrameDetections.class::cast)
                    .forEach(frame -> captured.merge(frame.stream(), new long[] {frame.capturedAtMs(), frame.capturedAtMs()},
                            (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])}));
            assertThat(captured).as(run.stderr()).hasSize(2);
            long[] first = captured.get(base + "porch.ts");
            long[] second = captured.get(base + "yard.ts");
            assertThat(Math.max(first[0], second[0])).as("both cameras read at the same time, not one after the other")
                    .isLessThan(Math.min(first[1], second[1]));
        } finally {
            server.stop(0);
        }
    }

    /** @param paced whether ingest paces the cameras by the stage's answers (vision.live-pacing) */
    private Outcome run(byte[] stream, String policy, boolean paced) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        Map<String, String> settings = TestPipeline.isolatedVisionSettings("detr-tiny-random");
        settings.put("kafka.partitions", "2");
        settings.put("kafka.stream-threads", "2");
        settings.put("vision.live-frames", policy);
        settings.put("vision.live-max-lag-seconds", Double.toString(MAX_LAG_SECONDS));
        settings.put("vision.batch-wait-ms", "50");
        settings.put("live.reconnect-min-seconds", "0.05");
        settings.put("live.reconnect-max-seconds", "0.2");
        settings.put("vision.live-pacing", Boolean.toString(paced));
        // A paced camera's frames are not all published: it ends when its server has no more of it.
        settings.put("live.reconnect-attempts", paced ? "1" : "0");
        SensoriumConfig config = TestPipeline.config(settings);
        List<String> cameras = camerasOnPartitionsOfTheirOwn(2);
        HttpServer server = serve(stream, cameras);
        ExecutorService ingestThreads = Executors.newFixedThreadPool(2);
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        List<String> urls = cameras.stream().map(camera -> base + camera + ".ts").toList();
        try (KafkaCluster cluster = KafkaCluster.connect(config, false);
             SharedModels.Handle<VisionModel> model = ConfiguredModels.openVision(config);
             KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.connection())) {
            cluster.ensureTopics(config, KafkaCluster.visionTopics(config));
            try (StreamsStage preprocess = TestPipeline.visionPreprocess(config, model.model(), cluster);
                 StreamsStage vision = new StreamsStage(VisionTopology.STAGE, VisionTopology.build(config, model.model()),
                         config.kafka(), cluster.connection());
                 LivePacing pacing = Ingests.livePacing(config, cluster, urls)) {
                assertThat(pacing != null).as("paced").isEqualTo(paced);
                preprocess.start(Duration.ofMinutes(1));
                vision.start(Duration.ofMinutes(1));
                VideoIngest ingest = Ingests.video(config, producer, pacing);
                List<CompletableFuture<VideoIngest.Result>> publishing = new ArrayList<>();
                for (int i = 0; i < cameras.size(); i++) {
                    String camera = cameras.get(i);
                    String url = urls.get(i);
                    publishing.add(CompletableFuture.supplyAsync(() -> ingest.publish(camera, url), ingestThreads));
                }
                if (!paced) {
                    // Each camera's stream is read whole at once; then its server is gone and ingest keeps trying it.
                    TestPipeline.readAll(config.topics().frames(), 2 * FRAMES, Duration.ofSeconds(60));
                    ingest.stop();
                }
                Map<String, Long> published = new HashMap<>();
                for (CompletableFuture<VideoIngest.Result> result : publishing) {
                    VideoIngest.Result done = result.get(60, TimeUnit.SECONDS);
                    published.put(done.streamId(), done.frames());
                    if (!paced) {
                        assertThat(done.frames()).isEqualTo(FRAMES);
                    }
                }
                List<ConsumerRecord<String, byte[]>> detections = TestPipeline.readUntil(config.topics().detections(),
                        records -> records.stream().filter(r -> DetectionsJson.read(r.value()) instanceof DetectionsEnd)
                                .count() == 2, Duration.ofSeconds(120));
                assertThat(vision.failed()).isFalse();
                Map<String, Integer> processed = new HashMap<>();
                for (ConsumerRecord<String, byte[]> record : detections) {
                    if (DetectionsJson.read(record.value()) instanceof FrameDetections frame) {
                        processed.merge(frame.stream(), 1, Integer::sum);
                    }
                }
                Outcome outcome = new Outcome(published, skipped(meters, true), processed, skipped(meters, false),
                        meters.get("sensorium.vision.lag").summary().max(),
                        meters.get("sensorium.vision.batch.size").summary().max());
                System.out.printf("live-frames %s%s: %s published, %d held back, %s processed, %d skipped, lag at most"
                                + " %.2f s, batches of up to %.0f%n", policy, paced ? ", paced" : "", outcome.published(),
                        outcome.held(), outcome.processed(), outcome.skipped(), outcome.maxLag(), outcome.maxBatch());
                return outcome;
            }
        } finally {
            Metrics.removeRegistry(meters);
            server.stop(0);
            ingestThreads.shutdownNow();
        }
    }

    /** Live frames left out at ingest (held back by pacing), or at the stages. */
    private static long skipped(SimpleMeterRegistry meters, boolean atIngest) {
        return (long) meters.find("sensorium.vision.frames.skipped").counters().stream()
                .filter(counter -> "ingest-video".equals(counter.getId().getTag("stage")) == atIngest)
                .mapToDouble(Counter::count).sum();
    }

    /** Camera ids whose records the default partitioner puts on partitions 0, 1, ... of {@code partitions}. */
    private static List<String> camerasOnPartitionsOfTheirOwn(int partitions) {
        String[] found = new String[partitions];
        for (int i = 0; Arrays.asList(found).contains(null); i++) {
            String camera = "cam" + i;
            int partition = Utils.toPositive(Utils.murmur2(camera.getBytes(StandardCharsets.UTF_8))) % partitions;
            if (found[partition] == null) {
                found[partition] = camera;
            }
        }
        return List.of(found);
    }

    /** Serves each camera's stream once, at its frame rate, all at once; later requests find no camera there. */
    private static HttpServer serve(byte[] stream, List<String> cameras) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // A thread per connection: the cameras send at the same time.
        server.setExecutor(Executors.newCachedThreadPool());
        for (String camera : cameras) {
            boolean[] served = {false};
            server.createContext("/" + camera + ".ts", exchange -> {
                boolean first;
                synchronized (served) {
                    first = !served[0];
                    served[0] = true;
                }
                if (!first) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "video/mp2t");
                exchange.sendResponseHeaders(200, 0);
                int chunk = stream.length / FRAMES + 1;
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int offset = 0; offset < stream.length; offset += chunk) {
                        out.write(stream, offset, Math.min(chunk, stream.length - offset));
                        out.flush();
                        Thread.sleep(1000 / FPS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        server.start();
        return server;
    }
}
