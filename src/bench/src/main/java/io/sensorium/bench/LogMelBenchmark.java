package io.sensorium.bench;

import io.sensorium.processors.features.LogMelSpectrogram;
import io.sensorium.processors.features.StreamingLogMel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Log-mel throughput on one thread: one operation is 30 s of 16 kHz audio through the streaming extractor in 1 s
 * chunks, as the feature processor runs it. Seconds of audio per second = 30 / (seconds per operation).
 *
 * <p>{@code java -jar src/bench/target/benchmarks.jar LogMelBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class LogMelBenchmark {
    static final int SECONDS = 30;
    private short[][] chunks;

    @Setup
    public void audio() {
        chunks = noiseChunks();
    }

    /** {@value #SECONDS} s of 16 kHz Gaussian noise in 1 s chunks, the same every run. */
    static short[][] noiseChunks() {
        Random random = new Random(1);
        short[][] chunks = new short[SECONDS][16_000];
        for (short[] chunk : chunks) {
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (short) (random.nextGaussian() * 3000);
            }
        }
        return chunks;
    }

    @Benchmark
    public int thirtySecondsOfAudio() {
        StreamingLogMel logMel = new StreamingLogMel(new LogMelSpectrogram(80));
        int frames = 0;
        for (short[] chunk : chunks) {
            frames += logMel.accept(chunk).length;
        }
        return frames + logMel.finish().length;
    }
}
