package io.sensorium.bench;

import io.sensorium.processors.vad.SileroVad;
import io.sensorium.processors.vad.StreamingVad;
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
 * What the VAD gate costs the feature stage on one thread: one operation is 30 s of 16 kHz audio (937 Silero
 * windows of 32 ms) in 1 s chunks, as the feature processor runs it. The share of one core the gate takes on live
 * audio = (seconds per operation) / 30.
 *
 * <p>{@code java -jar src/bench/target/benchmarks.jar SileroVadBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class SileroVadBenchmark {
    private short[][] chunks;

    @Setup
    public void audio() {
        chunks = LogMelBenchmark.noiseChunks();
    }

    @Benchmark
    public int thirtySecondsOfAudio() {
        StreamingVad vad = new StreamingVad(SileroVad.shared());
        int windows = 0;
        for (short[] chunk : chunks) {
            windows += vad.accept(chunk).length;
        }
        return windows + vad.finish().length;
    }
}
