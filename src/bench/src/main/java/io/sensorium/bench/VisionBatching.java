package io.sensorium.bench;

import ai.onnxruntime.OrtSession;
import io.sensorium.processors.vision.model.VisionModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * What batching the frames of several cameras buys the model itself, without Kafka, and running them side by side:
 * the graph run on {@code BATCH} frames one at a time, two at a time from two threads ({@code vision.parallel-runs}),
 * and in one call, alternately, in one run, at the input size a 640x480 camera frame gets. Prints frames per second
 * of each and their ratio to the first.
 *
 * <p>{@code java -cp src/bench/target/benchmarks.jar io.sensorium.bench.VisionBatching MODEL_DIR [BATCH] [ROUNDS]}
 */
public final class VisionBatching {
    private static final int INTRA_OP_THREADS = 2;

    private VisionBatching() {}

    public static void main(String[] args) {
        Path modelDir = Path.of(args[0]);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        try (VisionModel model = VisionModel.load(modelDir, new VisionModel.Options(INTRA_OP_THREADS, -1))) {
            int[] size = model.processorConfig().inputSize(480, 640);
            Random random = new Random(1);
            List<float[]> frames = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                float[] chw = new float[3 * size[0] * size[1]];
                for (int v = 0; v < chw.length; v++) {
                    chw[v] = (float) random.nextGaussian();
                }
                frames.add(chw);
            }
            oneByOne(model, frames, size);
            batched(model, frames, size);
            double[] alone = new double[rounds];
            double[] sideBySide = new double[rounds];
            double[] together = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                alone[r] = oneByOne(model, frames, size);
                sideBySide[r] = twoAtATime(model, frames, size);
                together[r] = batched(model, frames, size);
            }
            System.out.printf(Locale.ROOT, "%s, input %dx%d, %d ONNX Runtime threads, median of %d rounds:%n",
                    model.name(), size[1], size[0], INTRA_OP_THREADS, rounds);
            System.out.printf(Locale.ROOT, "  %d frames one at a time: %.1f frames/s%n", batch, median(alone));
            System.out.printf(Locale.ROOT, "  %d frames two at a time: %.1f frames/s (%.2fx)%n", batch,
                    median(sideBySide), median(sideBySide) / median(alone));
            System.out.printf(Locale.ROOT, "  %d frames in one run:    %.1f frames/s (%.2fx)%n", batch,
                    median(together), median(together) / median(alone));
        }
    }

    private static double oneByOne(VisionModel model, List<float[]> frames, int[] size) {
        long started = System.nanoTime();
        runEach(model, frames, size);
        return frames.size() / ((System.nanoTime() - started) / 1e9);
    }

    /** Half the frames one by one on another thread, the other half on this one. */
    private static double twoAtATime(VisionModel model, List<float[]> frames, int[] size) {
        long started = System.nanoTime();
        int half = frames.size() / 2;
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> runEach(model, frames.subList(0, half), size));
        runEach(model, frames.subList(half, frames.size()), size);
        other.join();
        return frames.size() / ((System.nanoTime() - started) / 1e9);
    }

    private static void runEach(VisionModel model, List<float[]> frames, int[] size) {
        for (float[] frame : frames) {
            try (OrtSession.Result ignored = model.run(frame, size[0], size[1])) {
                // Outputs are not read: what is timed is the graph run.
            }
        }
    }

    private static double batched(VisionModel model, List<float[]> frames, int[] size) {
        long started = System.nanoTime();
        try (OrtSession.Result ignored = model.run(frames, size[0], size[1])) {
            return frames.size() / ((System.nanoTime() - started) / 1e9);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
