package io.sensorium.bench;

import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.ingest.audio.AudioDecoder;
import io.sensorium.processors.features.LogMelSpectrogram;
import io.sensorium.processors.features.WhisperNormalization;
import io.sensorium.processors.speech.whisper.WhisperModel;
import io.sensorium.processors.speech.whisper.LanguageChoice;
import io.sensorium.processors.speech.whisper.TemperatureFallback;
import io.sensorium.processors.speech.whisper.WhisperTask;
import io.sensorium.processors.speech.whisper.WhisperTranscriber;
import io.sensorium.processors.onnx.RunBatcher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What batching the windows of concurrent live streams buys, and running them side by side: {@code STREAMS} threads,
 * as the speech stage's stream threads, each transcribing live windows (a 4-5 s buffer of jfk.wav, short encoder
 * input where the model allows, a 32-token previous-text prompt) through one {@link RunBatcher}: batches of one, one
 * run at a time; batches of one, two runs at a time ({@code speech.parallel-runs}); batches of {@code STREAMS}, one
 * run at a time; batches of half as many, two at a time; alternately, in one run. Each way's runs take the ONNX
 * Runtime threads the stage gives them ({@code speech.threads} 0: the cores shared among the runs at once). Prints
 * windows per second of each and their ratio to the first.
 *
 * <p>{@code java -cp src/bench/target/benchmarks.jar io.sensorium.bench.LiveBatching MODEL_DIR [STREAMS] [ROUNDS]}
 */
public final class LiveBatching {
    private static final int WAIT_MS = 20;

    private LiveBatching() {}

    public static void main(String[] args) throws Exception {
        Path modelDir = Path.of(args[0]);
        int streams = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int[][] ways = {{1, 1}, {1, 2}, {streams, 1}, {Math.max(1, streams / 2), 2}};
        int[] intraOpThreads = new int[ways.length];
        Map<Integer, WhisperModel> models = new TreeMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(streams);
        try {
            for (int way = 0; way < ways.length; way++) {
                SensoriumConfig.Speech speech = ConfigLoader.load(null, Map.of(),
                        Map.of("speech.parallel-runs", String.valueOf(ways[way][1]))).speech().withLive(true);
                intraOpThreads[way] = speech.threadsPerRun(streams);
                models.computeIfAbsent(intraOpThreads[way], n -> WhisperModel.load(modelDir, WhisperModel.Options.cpu(n)));
            }
            WhisperModel any = models.values().iterator().next();
            List<WhisperTranscriber.Window> windows = windows(any, streams);
            Map<Integer, WhisperTranscriber> transcribers = new TreeMap<>();
            models.forEach((n, model) -> transcribers.put(n, transcriber(model)));
            double[][] rates = new double[ways.length][rounds];
            for (WhisperTranscriber transcriber : transcribers.values()) {
                run(transcriber, windows, threads, 1, 1);
            }
            for (int round = 0; round < rounds; round++) {
                for (int way = 0; way < ways.length; way++) {
                    rates[way][round] = run(transcribers.get(intraOpThreads[way]), windows, threads, ways[way][0],
                            ways[way][1]);
                }
            }
            System.out.printf("%s, %d streams, %d rounds (median):%n", any.name(), streams, rounds);
            double alone = median(rates[0]);
            for (int way = 0; way < ways.length; way++) {
                double rate = median(rates[way]);
                System.out.printf("  batches of %d, %d run(s) at a time of %d intra-op thread(s): %.2f windows/s"
                        + "  (%.2fx)%n", ways[way][0], ways[way][1], intraOpThreads[way], rate, rate / alone);
            }
        } finally {
            threads.shutdownNow();
            models.values().forEach(WhisperModel::close);
        }
    }

    private static WhisperTranscriber transcriber(WhisperModel model) {
        return new WhisperTranscriber(model, true, LanguageChoice.parse("en"), WhisperTask.TRANSCRIBE,
                WhisperTranscriber.DEFAULT_MAX_NEW_TOKENS, TemperatureFallback.greedyOnly(-1.0, 0.6),
                WhisperTranscriber.GREEDY, "", false);
    }

    /** One window per stream: buffers of 4 and 5 s from different places of jfk.wav, each with previous text. */
    private static List<WhisperTranscriber.Window> windows(WhisperModel model, int streams) throws Exception {
        short[] pcm = AudioDecoder.decodeAll(Path.of("models/fixtures/audio/jfk.wav"), LogMelSpectrogram.SAMPLE_RATE);
        int[] previous = model.tokenizer().encode(" we choose to go to the moon in this decade and do the other"
                + " things, not because they are easy, but because they are hard, because that goal will serve");
        int[] prompt = Arrays.copyOfRange(previous, Math.max(0, previous.length - 32), previous.length);
        LogMelSpectrogram mel = new LogMelSpectrogram(model.melBins());
        List<WhisperTranscriber.Window> windows = new ArrayList<>();
        for (int stream = 0; stream < streams; stream++) {
            int seconds = 4 + stream % 2;
            int from = stream % 6 * LogMelSpectrogram.SAMPLE_RATE;
            float[] samples = new float[30 * LogMelSpectrogram.SAMPLE_RATE];
            for (int i = 0; i < seconds * LogMelSpectrogram.SAMPLE_RATE; i++) {
                samples[i] = pcm[from + i] / 32768f;
            }
            float[][] frames = Arrays.copyOf(mel.compute(samples), WhisperModel.WINDOW_FRAMES);
            WhisperNormalization.normalize(frames);
            int encoderFrames = model.encodesShortInput() ? 1000 : WhisperModel.WINDOW_FRAMES;
            windows.add(WhisperTranscriber.Window.live(frames, seconds * 100, encoderFrames, prompt, new int[0]));
        }
        return windows;
    }

    /** Every stream's window once, all threads at once: windows per second. */
    private static double run(WhisperTranscriber transcriber, List<WhisperTranscriber.Window> windows,
                              ExecutorService threads, int batchSize, int runsAtOnce) throws Exception {
        RunBatcher<WhisperTranscriber.Window, WhisperTranscriber.WindowTranscript> batcher = new RunBatcher<>(
                transcriber::shape, transcriber::transcribeWindows, "sensorium.speech.batch.size", batchSize, WAIT_MS,
                runsAtOnce, windows.size());
        long started = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (WhisperTranscriber.Window window : windows) {
            done.add(threads.submit(() -> batcher.run(window)));
        }
        for (Future<?> future : done) {
            future.get();
        }
        return windows.size() / ((System.nanoTime() - started) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
