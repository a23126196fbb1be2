package io.sensorium.processors.speech.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the encoder over 30 s windows, several in one ONNX Runtime run when several are ready at once: one call over a
 * batch costs less than as many calls over one window each.
 */
public final class WhisperEncoder {
    // Where inference time goes, for the operator's dashboards and for the benchmark's breakdown.
    private static final Timer ENCODER_TIME = Timer.builder("sensorium.speech.encoder")
            .description("encoder runs, one per batch of windows").publishPercentileHistogram()
            .register(Metrics.globalRegistry);
    private final WhisperModel model;

    public WhisperEncoder(WhisperModel model) {
        this.model = model;
    }

    /**
     * @param window normalised features, {@code [3000][melBins]}
     * @return the encoder's hidden states; the caller closes them after decoding
     */
    public EncoderOutput encode(float[][] window) {
        return encode(List.<float[][]>of(window));
    }

    /**
     * @param windows normalised features, each {@code [3000][melBins]}, or, where the model
     *                {@link WhisperModel#encodesShortInput() encodes short input}, any even number of frames up to
     *                3000; all of one length
     * @return the encoder's hidden states, one per window in their order; the caller closes them after decoding
     */
    public EncoderOutput encode(List<float[][]> windows) {
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("no windows to encode");
        }
        int frames = windows.get(0).length;
        if (frames != WhisperModel.WINDOW_FRAMES && !(model.encodesShortInput() && frames > 0 && frames % 2 == 0
                && frames < WhisperModel.WINDOW_FRAMES)) {
            throw new IllegalArgumentException("the encoder of " + model.name() + " takes windows of "
                    + (model.encodesShortInput() ? "an even number of frames, at most " : "") + WhisperModel.WINDOW_FRAMES
                    + " frames, not " + frames);
        }
        int mels = model.melBins();
        // The graph takes [batch, mel, frame]: transpose while copying.
        FloatBuffer input = FloatBuffer.allocate(windows.size() * mels * frames);
        for (float[][] window : windows) {
            if (window.length != frames) {
                throw new IllegalArgumentException("windows of one batch have " + frames + " frames, not " + window.length);
            }
            for (float[] frame : window) {
                if (frame.length != mels) {
                    throw new IllegalArgumentException("a frame has " + frame.length + " mel bins, model "
                            + model.name() + " takes " + mels);
                }
            }
            for (int m = 0; m < mels; m++) {
                for (float[] frame : window) {
                    input.put(frame[m]);
                }
            }
        }
        input.flip();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor features = OnnxTensor.createTensor(env, input, new long[] {windows.size(), mels, frames})) {
            long started = System.nanoTime();
            OrtSession.Result result = model.encoderSession().run(Map.of("input_features", features));
            ENCODER_TIME.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return new EncoderOutput(result, (OnnxTensor) result.get(0), windows.size(),
                    model.decoderBroadcastsEncoderStates());
        } catch (OrtException e) {
            throw new IllegalStateException("encoder of " + model.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** The encoder's output, held in native memory until closed. */
    public static final class EncoderOutput implements AutoCloseable {
        private final AutoCloseable owner;
        private final OnnxTensor hiddenStates;
        /** How many decoder rows these states are for: the tensor's batch, or more where one window's broadcast. */
        private final int batch;
        private final boolean broadcasts;

        private EncoderOutput(AutoCloseable owner, OnnxTensor hiddenStates, int batch, boolean broadcasts) {
            this.owner = owner;
            this.hiddenStates = hiddenStates;
            this.batch = batch;
            this.broadcasts = broadcasts;
        }

        /** How many windows were encoded together, or decoder rows (beams, samples) these states are for. */
        public int batch() {
            return batch;
        }

        OnnxTensor hiddenStates() {
            return hiddenStates;
        }

        /** The hidden states as {@code [window][frame][d_model]} values, for checks against a reference. */
        public float[] values() {
            return hiddenStates.getFloatBuffer().array();
        }

        /**
         * One window's hidden states {@code times} over, as a batch of their own (closed apart from this one): for
         * several samples of that window decoded together, without encoding it again. Stored once where the
         * decoder broadcasts them.
         */
        public EncoderOutput repeated(int item, int times) {
            if (broadcasts) {
                if (storedRows() == 1) {
                    return sharedBy(times);
                }
                EncoderOutput one = rows(new int[] {item});
                return new EncoderOutput(one.owner, one.hiddenStates, times, true);
            }
            int[] items = new int[times];
            Arrays.fill(items, item);
            return rows(items);
        }

        /**
         * Each window's hidden states {@code times} over, in order (closed apart from this one): beams of each. One
         * window's are stored once where the decoder broadcasts them: five beams' cross-attention keys and values
         * are then computed and held once, not five times.
         */
        public EncoderOutput repeatedEach(int times) {
            if (broadcasts && storedRows() == 1) {
                return sharedBy(times);
            }
            int[] items = new int[batch * times];
            for (int i = 0; i < items.length; i++) {
                items[i] = i / times;
            }
            return rows(items);
        }

        /** Whether these are one window's states, stored once for all {@link #batch()} rows (its beams or samples). */
        boolean storedOnce() {
            return broadcasts && storedRows() == 1;
        }

        /** This one window's states, stored once, for {@code times} decoder rows; closing the view leaves them be. */
        private EncoderOutput sharedBy(int times) {
            return new EncoderOutput(() -> { }, hiddenStates, times, true);
        }

        /** The windows the tensor holds: {@link #batch()}, or one that the decoder broadcasts over the batch. */
        private int storedRows() {
            return (int) hiddenStates.getInfo().getShape()[0];
        }

        /** The hidden states of windows {@code items}, as a batch of their own. */
        private EncoderOutput rows(int[] items) {
            long[] shape = hiddenStates.getInfo().getShape();
            int size = (int) (shape[1] * shape[2]);
            float[] all = values();
            FloatBuffer copies = FloatBuffer.allocate(items.length * size);
            for (int item : items) {
                copies.put(all, item * size, size);
            }
            copies.flip();
            try {
                OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), copies,
                        new long[] {items.length, shape[1], shape[2]});
                return new EncoderOutput(tensor, tensor, items.length, broadcasts);
            } catch (OrtException e) {
                throw new IllegalStateException("cannot copy the encoder's output: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                owner.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot release the encoder's output", e);
            }
        }
    }
}
