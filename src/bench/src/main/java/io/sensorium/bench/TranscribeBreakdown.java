package io.sensorium.bench;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sensorium.cli.Sensorium;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Where {@code sensorium transcribe}'s time goes: wall time of the whole run (broker start excluded: it is timed
 * from the stages' first window), ONNX Runtime encoder time per window and decoder time per token, and the share
 * spent outside ONNX Runtime (Kafka, serdes, features, window assembly).
 *
 * <p>{@code java -cp src/bench/target/benchmarks.jar io.sensorium.bench.TranscribeBreakdown --model DIR FILE...}
 * (any arguments {@code transcribe} takes).
 */
public final class TranscribeBreakdown {
    private TranscribeBreakdown() {}

    public static void main(String[] args) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        String[] command = new String[args.length + 1];
        command[0] = "transcribe";
        System.arraycopy(args, 0, command, 1, args.length);
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        long started = System.nanoTime();
        int exit;
        try {
            exit = Sensorium.run(command);
        } finally {
            System.setOut(stdout);
        }
        double wall = (System.nanoTime() - started) / 1e9;
        Timer encoder = registry.get("sensorium.speech.encoder").timer();
        Timer decoder = registry.get("sensorium.speech.decoder").timer();
        double tokens = registry.get("sensorium.speech.decoded.tokens").counter().count();
        double encoderSeconds = encoder.totalTime(TimeUnit.SECONDS);
        double decoderSeconds = decoder.totalTime(TimeUnit.SECONDS);
        System.out.printf("exit %d, wall %.2f s (in-process broker start included)%n", exit, wall);
        System.out.printf("encoder: %d windows, %.1f ms per window%n", encoder.count(),
                1000 * encoderSeconds / Math.max(1, encoder.count()));
        System.out.printf("decoder: %.0f tokens, %.2f ms per token%n", tokens, 1000 * decoderSeconds / Math.max(1, tokens));
        System.out.printf("outside ONNX Runtime: %.1f %% of wall time%n", 100 * (wall - encoderSeconds - decoderSeconds) / wall);
        System.exit(exit);
    }
}
