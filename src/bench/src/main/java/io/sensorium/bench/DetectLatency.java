package io.sensorium.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One row of the camera benchmark: {@code sensorium detect} on CAMERAS live HTTP cameras (SyntheticCameras), its
 * detections read off its stdout as they come, each stamped on arrival. After WARMUP seconds from the first record
 * (the broker, the model and the stages started; each camera connected), counts SECONDS of records: frames per
 * second, and capture-to-detection latency (arrival - {@code captured_at_ms}) p50/p95, per minute where the run is
 * longer than one; then stops the command with SIGTERM, as Ctrl-C would.
 *
 * <p>{@code java -cp benchmarks.jar io.sensorium.bench.DetectLatency SENSORIUM MODEL_DIR BASE_URL CAMERAS FPS
 * BATCH_SIZE WARMUP SECONDS LOG}
 */
public final class DetectLatency {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectLatency() {}

    public static void main(String[] args) throws Exception {
        String sensorium = args[0];
        Path model = Path.of(args[1]);
        String baseUrl = args[2];
        int cameras = Integer.parseInt(args[3]);
        int fps = Integer.parseInt(args[4]);
        int batchSize = Integer.parseInt(args[5]);
        double warmup = Double.parseDouble(args[6]);
        double seconds = Double.parseDouble(args[7]);
        Path log = Path.of(args[8]);
        List<String> command = new ArrayList<>(List.of(sensorium, "detect", "--model", model.toString(),
                // As many partitions as cameras, so that each stream thread has cameras of its own.
                "--set", "kafka.partitions=16", "--set", "vision.threads=2",
                "--set", "vision.batch-size=" + batchSize));
        for (int i = 0; i < cameras; i++) {
            command.add(baseUrl + "cam" + i + ".ts");
        }
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        List<double[]> window = new ArrayList<>();
        long windowStart = -1;
        long windowEnd = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                long now = System.currentTimeMillis();
                JsonNode record = JSON.readTree(line);
                if (!record.has("captured_at_ms")) {
                    continue;
                }
                if (windowStart < 0) {
                    windowStart = now + Math.round(warmup * 1000);
                    windowEnd = windowStart + Math.round(seconds * 1000);
                }
                if (now >= windowEnd) {
                    break;
                }
                if (now >= windowStart) {
                    window.add(new double[] {(now - windowStart) / 1000.0, (now - record.get("captured_at_ms").asLong()) / 1000.0});
                }
            }
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (window.isEmpty()) {
            throw new IllegalStateException("no detections in the window: see " + log);
        }
        double[] latencies = window.stream().mapToDouble(r -> r[1]).toArray();
        double rate = window.size() / seconds;
        System.out.printf(Locale.ROOT, "%.1f frames/s of %d offered (%.0f%% skipped), latency p50 %.2f s p95 %.2f s%n",
                rate, cameras * fps, 100 * Math.max(0, 1 - rate / (cameras * fps)), percentile(latencies, 50),
                percentile(latencies, 95));
        for (int minute = 0; seconds > 60 && minute < Math.ceil(seconds / 60); minute++) {
            int m = minute;
            double[] inMinute = window.stream().filter(r -> (int) (r[0] / 60) == m).mapToDouble(r -> r[1]).toArray();
            if (inMinute.length > 0) {
                System.out.printf(Locale.ROOT, "  minute %d: %d frames, latency p50 %.2f s p95 %.2f s%n", minute + 1,
                        inMinute.length, percentile(inMinute, 50), percentile(inMinute, 95));
            }
        }
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }
}
