package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.net.ConnectException;
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

    /**
     * /health/ready answers 503 from the moment the endpoint is up until the stage has joined its group and has its
     * partitions (its first rebalance: seconds, so polling sees it every time), then 200; a second instance joining
     * makes the first rebalance again, for tens of milliseconds that polling catches now and then (a 503 in between
     * is allowed, not required), and it answers 200 again after (with more rebalances following now and then).
     */
    @Test
    void readinessIsFalseWhileTheStageRebalancesAndTrueOnceItRuns(@TempDir Path tmp) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        int port = TestPipeline.freePort();
        List<Integer> answers = new ArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller = new Thread(() -> {
            try {
                while (polling.get()) {
                    try {
                        int answer = status(port, "/health/ready");
                        synchronized (answers) {
                            if (answers.isEmpty() || answers.get(answers.size() - 1) != answer) {
                                answers.add(answer);
                            }
                        }
                    } catch (ConnectException notYetServing) {
                        // The endpoint comes up a moment after the process starts: no answer to record before.
                    }
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException("polling /health/ready failed", e);
            }
        }, "readiness-poller");
        CliProcess first = CliProcess.startStage(tmp, "features", settings, "a", "--metrics-port", Integer.toString(port));
        CliProcess second = null;
        try {
            poller.start();
            first.awaitStage("features");
            awaitStatus(port, "/health/ready", 200);
            // The poller's own next answer, a moment after this one.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!recorded(answers).contains(200) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(recorded(answers)).as("/health/ready of the first instance as it started").containsSubsequence(503, 200);
            second = CliProcess.stage(tmp, "features", settings, "b");
            awaitStatus(port, "/health/ready", 200);
        } finally {
            polling.set(false);
            poller.join();
            if (second != null) {
                second.stop();
            }
            first.stop();
        }
        // Not endsWith(200): the group may rebalance again (a probing rebalance) just as polling stops.
        assertThat(recorded(answers)).as("/health/ready of the first instance").startsWith(503);
    }

    private static List<Integer> recorded(List<Integer> answers) {
        synchronized (answers) {
            return List.copyOf(answers);
        }
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
