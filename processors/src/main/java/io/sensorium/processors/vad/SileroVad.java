package io.sensorium.processors.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.Metrics;
import io.sensorium.processors.onnx.OnnxRuntimeLibraries;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Silero VAD v6 (MIT; the model ships in this jar, see PROVENANCE.md beside it): the probability that a window of
 * 512 samples at 16 kHz is speech, given the 64 samples before it and the recurrent state the previous window
 * left. One session per JVM serves every stream; the state is the caller's.
 */
public final class SileroVad {
    public static final int SAMPLE_RATE = 16_000;
    public static final int WINDOW = 512;
    public static final int CONTEXT = 64;
    /** Values of the recurrent state: {@code [2][1][128]}. */
    public static final int STATE_SIZE = 2 * 128;

    private static final Timer VAD_TIME = Timer.builder("sensorium.features.vad").register(Metrics.globalRegistry);
    private static final long[] INPUT_SHAPE = {1, CONTEXT + WINDOW};
    private static final long[] STATE_SHAPE = {2, 1, 128};

    private final OrtSession session;
    private final OnnxTensor sampleRate;

    private SileroVad() {
        OnnxRuntimeLibraries.load();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (InputStream in = SileroVad.class.getResourceAsStream("silero_vad.onnx");
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (in == null) {
                throw new IllegalStateException("silero_vad.onnx is missing from the jar");
            }
            // A window is a few thousand multiply-adds: threads would cost more to wake than they save.
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            this.session = env.createSession(in.readAllBytes(), options);
            this.sampleRate = OnnxTensor.createTensor(env, (long) SAMPLE_RATE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read silero_vad.onnx", e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load silero_vad.onnx: " + e.getMessage(), e);
        }
    }

    private static final class Holder {
        static final SileroVad INSTANCE = new SileroVad();
    }

    /** The JVM's model, loaded on first use and kept for the JVM's life (2.3 MB). */
    public static SileroVad shared() {
        return Holder.INSTANCE;
    }

    /**
     * @param input {@code CONTEXT + WINDOW} samples in [-1, 1]: the context, then the window
     * @param state the recurrent state, replaced by the next one
     * @return the window's speech probability
     */
    public float probability(float[] input, float[] state) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long started = System.nanoTime();
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), INPUT_SHAPE);
             OnnxTensor h = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), STATE_SHAPE);
             OrtSession.Result result = session.run(Map.of("input", x, "state", h, "sr", sampleRate))) {
            float probability = ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
            ((OnnxTensor) result.get(1)).getFloatBuffer().get(state);
            return probability;
        } catch (OrtException e) {
            throw new IllegalStateException("Silero VAD failed: " + e.getMessage(), e);
        } finally {
            VAD_TIME.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }
}
