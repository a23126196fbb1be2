package io.sensorium.bench;

import io.sensorium.processors.speech.whisper.WhisperDecoder;
import io.sensorium.processors.speech.whisper.WhisperEncoder;
import io.sensorium.processors.speech.whisper.WhisperModel;
import java.nio.file.Path;
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
 * ONNX Runtime time of one Whisper window: the encoder, and greedy decoding of a fixed number of tokens with and
 * without the KV cache (divide by {@code tokens} for the time per token), for either decoder layout. One intra-op
 * thread. Defaults to the random-weight test fixture; {@code -p model=DIR} for a real model.
 *
 * <p>{@code java -jar src/bench/target/benchmarks.jar WhisperInferenceBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WhisperInferenceBenchmark {
    @Param("models/fixtures/whisper-tiny-random")
    public String model;

    @Param({"PAIR", "MERGED"})
    public WhisperModel.DecoderGraphs graphs;

    @Param("24")
    public int tokens;

    private WhisperModel whisper;
    private WhisperEncoder encoder;
    private WhisperDecoder decoder;
    private float[][] window;
    private WhisperEncoder.EncoderOutput encoded;
    private int[] prompt;

    @Setup(Level.Trial)
    public void load() {
        whisper = WhisperModel.load(Path.of(model), WhisperModel.Options.cpu(1).withDecoderGraphs(graphs));
        encoder = new WhisperEncoder(whisper);
        decoder = new WhisperDecoder(whisper);
        Random random = new Random(1);
        window = new float[WhisperModel.WINDOW_FRAMES][whisper.melBins()];
        for (float[] frame : window) {
            for (int m = 0; m < frame.length; m++) {
                frame[m] = random.nextFloat() * 2 - 0.5f;
            }
        }
        encoded = encoder.encode(window);
        prompt = decoder.prompt(false, "en");
    }

    @TearDown(Level.Trial)
    public void close() {
        encoded.close();
        whisper.close();
    }

    @Benchmark
    public float encode() {
        try (WhisperEncoder.EncoderOutput out = encoder.encode(window)) {
            return out.values()[0];
        }
    }

    @Benchmark
    public int decodeCached() {
        return decoder.decode(encoded, prompt, false, tokens, true).tokens().length;
    }

    @Benchmark
    public int decodeUncached() {
        return decoder.decode(encoded, prompt, false, tokens, false).tokens().length;
    }
}
