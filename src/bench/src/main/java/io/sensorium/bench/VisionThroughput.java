package io.sensorium.bench;

import ai.onnxruntime.OrtSession;
import io.sensorium.core.records.ImageFrame;
import io.sensorium.core.records.PixelFrame;
import io.sensorium.processors.vision.model.ImageProcessorConfig;
import io.sensorium.processors.vision.model.JpegHeader;
import io.sensorium.processors.vision.model.ModelOutputs;
import io.sensorium.processors.vision.model.PixelInput;
import io.sensorium.processors.vision.model.PixelPreparer;
import io.sensorium.processors.vision.model.VisionModel;
import io.sensorium.processors.vision.model.VisionPostProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Frames per second of the vision path's per-frame work, one thread, on JPEG files: preprocessing alone (what the
 * preprocessor stage does — decode, resize, PNG record — and what the vision stage does before the model — PNG
 * decode, enlarge, normalise), then preprocessing + the model + post-processing. No Kafka: this is the compute a
 * frame costs. src/bench/vs-python-vision.sh runs it beside Python's onnxruntime + transformers on the same frames.
 *
 * <p>usage: {@code java -cp benchmarks.jar io.sensorium.bench.VisionThroughput MODEL_DIR FRAMES_DIR [SECONDS] [THREADS]}
 */
public final class VisionThroughput {
    private VisionThroughput() {}

    public static void main(String[] args) throws Exception {
        Path modelDir = Path.of(args[0]);
        List<byte[]> frames = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(args[1]))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList()) {
                frames.add(Files.readAllBytes(file));
            }
        }
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        try (VisionModel model = VisionModel.load(modelDir, new VisionModel.Options(threads, -1))) {
            ImageProcessorConfig config = model.processorConfig();
            PixelPreparer preparer = new PixelPreparer(config, model.name(), 1_000_000);
            VisionPostProcessor post = model.postProcessor(0.5, 5);
            AtomicLong recordBytes = new AtomicLong();
            Step preprocess = jpeg -> {
                PixelFrame record = preparer.prepare(frame(jpeg), false);
                recordBytes.accumulateAndGet(record.image().length, Math::max);
                PixelInput.of(record, config.filter());
            };
            Step full = jpeg -> {
                ImageFrame frame = frame(jpeg);
                PixelInput input = PixelInput.of(preparer.prepare(frame, false), config.filter());
                try (OrtSession.Result result = model.run(input.chw(), input.height(), input.width())) {
                    post.process(new ModelOutputs(result), frame.width(), frame.height());
                }
            };
            System.out.printf(Locale.ROOT, "java preprocess            %8.1f frames/s  (largest pixel record %d bytes)%n",
                    rate(frames, preprocess, seconds, 1), recordBytes.get());
            System.out.printf(Locale.ROOT, "java preprocess, 2 streams %8.1f frames/s  (two frames at a time, as two partitions run)%n",
                    rate(frames, preprocess, seconds, 2));
            System.out.printf(Locale.ROOT, "java preprocess+model+post %8.1f frames/s  (onnxruntime, %d threads)%n",
                    rate(frames, full, seconds, 1), threads);
        }
    }

    private interface Step {
        void run(byte[] jpeg) throws Exception;
    }

    private static ImageFrame frame(byte[] jpeg) {
        JpegHeader header = JpegHeader.read(jpeg);
        return new ImageFrame("bench", 0, 0, header.width(), header.height(), false, jpeg);
    }

    /** Frames per second over {@code seconds} with {@code workers} threads, after a warm-up of a third of that. */
    private static double rate(List<byte[]> frames, Step step, double seconds, int workers) throws Exception {
        run(frames, step, seconds / 3, workers);
        return run(frames, step, seconds, workers);
    }

    private static double run(List<byte[]> frames, Step step, double seconds, int workers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            List<Future<Long>> counts = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int offset = w;
                counts.add(pool.submit(() -> {
                    long done = 0;
                    while (System.nanoTime() < end) {
                        step.run(frames.get((int) ((done + offset) % frames.size())));
                        done++;
                    }
                    return done;
                }));
            }
            long done = 0;
            for (Future<Long> count : counts) {
                done += count.get();
            }
            return done / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }
}
