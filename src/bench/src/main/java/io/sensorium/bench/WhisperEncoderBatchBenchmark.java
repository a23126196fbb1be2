package io.sensorium.bench;

import io.sensorium.processors.speech.whisper.WhisperEncoder;
import io.sensorium.processors.speech.whisper.WhisperModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whether encoding the windows of several streams in one ONNX Runtime run pays: {@code windows} windows in one
 * batch against the same windows one run each. One intra-op thread. Defaults to the random-weight test fixture;
 * {@code -p model=DIR} for a real model.
 *
 * <p>{@code java -jar src/bench/target/benchmarks.jar WhisperEncoderBatchBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WhisperEncoderBatchBenchmark {
    @Param("models/fixtures/whisper-tiny-random")
    public String model;

    @Param("4")
    public int windows;

    private WhisperModel whisper;
    private WhisperEncoder encoder;
    private List<float[][]> batch;

    @Setup(Level.Trial)
    public void load() {
        whisper = WhisperModel.load(Path.of(model), WhisperModel.Options.cpu(1));
        encoder = new WhisperEncoder(whisper);
        Random random = new Random(1);
        batch = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            float[][] window = new float[WhisperModel.WINDOW_FRAMES][whisper.melBins()];
            for (float[] frame : window) {
                for (int m = 0; m < frame.length; m++) {
                    frame[m] = random.nextFloat() * 2 - 0.5f;
                }
            }
            batch.add(window);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        whisper.close();
    }

    @Benchmark
    public float together() {
        try (WhisperEncoder.EncoderOutput out = encoder.encode(batch)) {
            return out.values()[0];
        }
    }

    @Benchmark
    public float oneByOne() {
        float sum = 0;
        for (float[][] window : batch) {
            try (WhisperEncoder.EncoderOutput out = encoder.encode(window)) {
                sum += out.values()[0];
            }
        }
        return sum;
    }
}
