package io.sensorium.processors.speech.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the encoder once per 30 s window. */
public final class WhisperEncoder {
    // Where inference time goes, for the operator's dashboards and for the benchmark's breakdown.
    private static final Timer ENCODER_TIME = Timer.builder("sensorium.speech.encoder").register(Metrics.globalRegistry);
    private final WhisperModel model;

    public WhisperEncoder(WhisperModel model) {
        this.model = model;
    }

    /**
     * @param window normalised features, {@code [3000][melBins]}
     * @return the encoder's hidden states; the caller closes them after decoding
     */
    public EncoderOutput encode(float[][] window) {
        int frames = window.length;
        int mels = model.melBins();
        for (float[] frame : window) {
            if (frame.length != mels) {
                throw new IllegalArgumentException("a frame has " + frame.length + " mel bins, model " + model.name()
                        + " takes " + mels);
            }
        }
        // The graph takes [batch, mel, frame]: transpose while copying.
        FloatBuffer input = FloatBuffer.allocate(mels * frames);
        for (int m = 0; m < mels; m++) {
            for (float[] frame : window) {
                input.put(frame[m]);
            }
        }
        input.flip();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor features = OnnxTensor.createTensor(env, input, new long[] {1, mels, frames})) {
            long started = System.nanoTime();
            OrtSession.Result result = model.encoderSession().run(Map.of("input_features", features));
            ENCODER_TIME.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return new EncoderOutput(result);
        } catch (OrtException e) {
            throw new IllegalStateException("encoder of " + model.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** The encoder's output, held in native memory until closed. */
    public static final class EncoderOutput implements AutoCloseable {
        private final OrtSession.Result result;

        EncoderOutput(OrtSession.Result result) {
            this.result = result;
        }

        OnnxTensor hiddenStates() {
            return (OnnxTensor) result.get(0);
        }

        /** The hidden states as {@code [frame][d_model]} values, for checks against a reference. */
        public float[] values() {
            return hiddenStates().getFloatBuffer().array();
        }

        @Override
        public void close() {
            result.close();
        }
    }
}
