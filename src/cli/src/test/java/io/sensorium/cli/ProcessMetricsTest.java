package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code process features --metrics-port} as a separate process against a real broker: not ready until its stage
 * runs, then ready; after jfk.wav goes through it, its scrape counts the records and the audio it took in, and
 * carries Kafka Streams' and its consumers' own metrics (consumer lag among them); stopped, it leaves its state. While
 * a second instance joins its group, the first one's readiness goes to 503 (REBALANCING) and back to 200.
 */
class ProcessMetricsTest {
    private static final Pattern AUDIO_SECONDS = Pattern.compile("(?m)^sensorium_features_audio_seconds_total ([0-9.E]+)");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aStageServesItsMetersAndReadiness(@TempDir Path tmp) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        int port = TestPipeline.freePort();
        List<String> args = new ArrayList<>(List.of("process", "features", "--metrics-port", Integer.toString(port),
                "--set", "kafka.state-dir=" + tmp.resolve("state")));
        settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        CliProcess stage = CliProcess.start(tmp, args);
        try {
            stage.awaitStderr("metrics at http://");
            awaitStatus(port, "/health/ready", 200);
            assertThat(status(port, "/health/live")).isEqualTo(200);

            TestPipeline.CliRun ingest = TestPipeline.cli(List.of("ingest", "audio"), settings,
                    List.of(TestPipeline.fixture("audio/jfk.wav").toString()));
            assertThat(ingest.exit()).isZero();
            String scrape = awaitScrape(port, body -> audioSeconds(body) >= 11.0);

            assertThat(audioSeconds(scrape)).isCloseTo(11.0, offset(0.1));
            assertThat(scrape).containsPattern("sensorium_records_in_total\\{stage=\"features\"} [1-9]")
                    .containsPattern("sensorium_records_out_total\\{output=\"output\",stage=\"features\"} [1-9]")
                    .contains("sensorium_streams_active{stage=\"features\",task=")
                    .contains("kafka_stream_thread_process_total{")
                    .contains("kafka_consumer_fetch_manager_records_lag_max{");
        } finally {
            stage.terminate();
        }
        assertThat(stage.waitFor(60)).as("stopped by SIGTERM: 128 + 15, as README says").isEqualTo(143);
        String applicationId = settings.get("kafka.application-id-prefix") + "-features";
        assertThat(tmp.resolve("state").resolve(applicationId)).as("state kept for the next start").isDirectory();
    }

    @Test
    void readinessFallsWhileAnotherInstanceJoinsAndComesBack(@TempDir Path tmp) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        int port = TestPipeline.freePort();
        CliProcess first = CliProcess.stage(tmp, "features", settings, "a", "--metrics-port", Integer.toString(port));
        List<Integer> answers = new ArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        // Polled as a load balancer would, only faster: a rebalance of three partitions takes a few hundred ms.
        Thread poller = new Thread(() -> {
            try {
                while (polling.get()) {
                    int answer = status(port, "/health/ready");
                    synchronized (answers) {
                        if (answers.isEmpty() || answers.get(answers.size() - 1) != answer) {
                            answers.add(answer);
                        }
                        answers.notifyAll();
                    }
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException("polling /health/ready failed", e);
            }
        }, "readiness-poller");
        CliProcess second = null;
        try {
            awaitStatus(port, "/health/ready", 200);
            poller.start();
            second = CliProcess.stage(tmp, "features", settings, "b");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            synchronized (answers) {
                while (!(answers.contains(503) && answers.get(answers.size() - 1) == 200) && System.nanoTime() < deadline) {
                    answers.wait(1000);
                }
            }
        } finally {
            polling.set(false);
            poller.join();
            if (second != null) {
                second.stop();
            }
            first.stop();
        }
        assertThat(answers).as("/health/ready of the first instance while the second joined")
                .startsWith(200).containsSubsequence(200, 503, 200).endsWith(200);
    }

    private static double audioSeconds(String scrape) {
        Matcher m = AUDIO_SECONDS.matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private int status(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void awaitStatus(int port, String path, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int last;
        while ((last = status(port, path)) != expected) {
            assertThat(System.nanoTime()).as("%s answered %d, not %d", path, last, expected).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private String awaitScrape(int port, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (done.test(body) || System.nanoTime() > deadline) {
                return body;
            }
            Thread.sleep(300);
        }
    }
}
