package io.sensorium.processors.speech.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decoder run step by step over a batch of sequences: each step gives every sequence's scores for its next
 * token. With the KV cache a step feeds only the new tokens and the keys/values of the steps before; without it each
 * step runs the decoder over the whole sequences (slower; kept to prove the cache changes nothing).
 */
interface DecoderSteps extends AutoCloseable {
    /**
     * @param firstStepFrom the first prompt position whose scores {@link #firstStepRow} is asked for: where the graph
     *                      allows, the first step gives no scores before it (with the cache; without, it gives all)
     * @param buffers       where the cached steps' outputs go, a set taken for the decoding
     */
    static DecoderSteps open(WhisperModel model, WhisperEncoder.EncoderOutput encoded, boolean useCache,
                             int firstStepFrom, StepBuffers.Pool buffers) {
        return useCache ? new Cached(model, encoded, firstStepFrom, buffers) : new Full(model, encoded);
    }

    /**
     * @param sequences one per row of the encoder batch, each filled to {@code length}
     * @return {@code [row][vocab]}: the scores of each sequence's next token, the caller's to change until the next
     *         call, which writes the next step's scores over them
     */
    float[][] next(int[][] sequences, int length) throws OrtException;

    /** The first step's scores of one sequence at a prompt position (from the one opened with), as the decoder gave them. */
    float[] firstStepRow(int row, int position);

    /**
     * Makes row {@code i} of the next step go on from row {@code sources[i]} of this one: beam search's beams that
     * continue another beam's tokens. A row takes another's only within rows of the same encoder input.
     */
    void reorder(int[] sources) throws OrtException;

    @Override
    void close();

    /** Positions {@code from} to {@code to} of every sequence, as the {@code [batch, positions]} input_ids. */
    private static OnnxTensor ids(int[][] sequences, int from, int to) throws OrtException {
        long[] ids = new long[sequences.length * (to - from)];
        int at = 0;
        for (int[] sequence : sequences) {
            for (int i = from; i < to; i++) {
                ids[at++] = sequence[i];
            }
        }
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), LongBuffer.wrap(ids),
                new long[] {sequences.length, to - from});
    }

    /**
     * The logits of one run, copied out of ONNX Runtime once: each read of an output tensor copies all of it, and the
     * first step's logits of a batch are tens of megabytes (every prompt position over the whole vocabulary).
     */
    record Logits(FloatBuffer all, int from, int batch, int positions, int vocab) {
        /** @param from the input position of the first logits the run gave */
        static Logits of(OrtSession.Result result, int from) {
            OnnxTensor logits = (OnnxTensor) result.get("logits").orElseThrow();
            long[] shape = logits.getInfo().getShape();
            return new Logits(logits.getFloatBuffer(), from, (int) shape[0], (int) shape[1], (int) shape[2]);
        }

        /** @param position an input position */
        float[] row(int item, int position) {
            float[] row = new float[vocab];
            copyRow(item, position, row);
            return row;
        }

        /**
         * Each sequence's scores at its last position, written over {@code rows} where it has their shape: a beam
         * search would otherwise take a vocabulary-wide array per beam per step (5 beams of tiny.en: a sixth of all
         * a run allocates, collected every few steps).
         */
        float[][] lastRows(float[][] rows) {
            return lastRows(rows, 1);
        }

        /** As {@link #lastRows(float[][])}, each sequence's scores written over {@code times} rows in a row. */
        float[][] lastRows(float[][] rows, int times) {
            int count = batch * times;
            float[][] into = rows != null && rows.length == count && rows[0].length == vocab
                    ? rows : new float[count][vocab];
            for (int row = 0; row < count; row++) {
                copyRow(row / times, from + positions - 1, into[row]);
            }
            return into;
        }

        private void copyRow(int item, int position, float[] into) {
            if (position < from || position >= from + positions) {
                throw new IllegalArgumentException("scores of position " + position + " asked, the run gave "
                        + from + " to " + (from + positions - 1));
            }
            all.get((item * positions + position - from) * vocab, into);
        }
    }

    /** Re-runs the decoder over the whole sequence at every step: the sequences carry all there is to reorder. */
    final class Full implements DecoderSteps {
        private final WhisperModel model;
        private final WhisperEncoder.EncoderOutput encoded;
        private WholeSequenceInputs whole;
        /** {@code [row][position][vocab]}: the results are closed after each step, the first step's rows are kept. */
        private float[][][] firstStep;
        /** What {@link #next} gives: each step's scores written over the last step's. */
        private float[][] rows;

        Full(WhisperModel model, WhisperEncoder.EncoderOutput encoded) {
            this.model = model;
            this.encoded = encoded;
        }

        @Override
        public float[][] next(int[][] sequences, int length) throws OrtException {
            if (whole == null) {
                whole = new WholeSequenceInputs(model, encoded, 0);
            }
            try (OnnxTensor ids = ids(sequences, 0, length);
                 OrtSession.Result result = model.decoderSession().run(whole.with(ids))) {
                Logits logits = Logits.of(result, 0);
                if (firstStep == null) {
                    firstStep = new float[sequences.length][length][];
                    for (int item = 0; item < sequences.length; item++) {
                        for (int position = 0; position < length; position++) {
                            firstStep[item][position] = logits.row(item, position);
                        }
                    }
                }
                rows = logits.lastRows(rows);
                return rows;
            }
        }

        @Override
        public float[] firstStepRow(int row, int position) {
            return firstStep[row][position];
        }

        @Override
        public void reorder(int[] sources) {
            // Each step is given the whole sequences.
        }

        @Override
        public void close() {
            if (whole != null) {
                whole.close();
            }
        }
    }

    /**
     * Feeds the new token and the previous step's keys and values. The steps after the first write their keys/values
     * and logits into {@link StepBuffers} (ONNX Runtime's pinned outputs), and the next step reads them there: they
     * are neither copied out of ONNX Runtime nor given new memory per step.
     */
    final class Cached implements DecoderSteps {
        private final WhisperModel model;
        private final WhisperEncoder.EncoderOutput encoded;
        private final StepBuffers.Pool pool;
        private final StepBuffers buffers;
        private WholeSequenceInputs whole;
        private final int firstStepFrom;
        /**
         * The first step's result: it holds the first past and, except in the step layout, the cross-attention
         * keys/values.
         */
        private OrtSession.Result first;
        private Logits firstLogits;
        /** The self-attention keys/values the next step takes, by input name: the first step's, or over buffers. */
        private final Map<String, OnnxTensor> past = new HashMap<>();
        /** The buffer each tensor of {@link #past} is over, by input name; none while it is the first step's. */
        private final Map<String, FloatBuffer> pastBuffers = new HashMap<>();
        /** The tensors of {@link #past} made here over {@link #buffers}, closed once the next step replaces them. */
        private final List<OnnxTensor> made = new ArrayList<>();
        /**
         * What every cached step takes beside its tokens and the past, the same from the first step on: the
         * cross-attention keys/values; the merged graph's encoder states and use_cache_branch true; logits_from 0.
         */
        private final Map<String, OnnxTensor> stepInputs = new HashMap<>();
        /** The tensors of {@link #stepInputs} made here (the others belong to results and to the encoder). */
        private final List<OnnxTensor> stepTensors = new ArrayList<>();
        private int fed;
        /** What {@link #next} gives: each step's scores written over the last step's. */
        private float[][] rows;
        /** The rows each row of the first step stands for: one window's rows where it was run once for them all. */
        private int rowsPerFirstRow = 1;

        Cached(WhisperModel model, WhisperEncoder.EncoderOutput encoded, int firstStepFrom, StepBuffers.Pool pool) {
            this.model = model;
            this.encoded = encoded;
            this.pool = pool;
            this.buffers = pool.take();
            this.firstStepFrom = model.decoderSkipsLogits() ? firstStepFrom : 0;
        }

        @Override
        public float[][] next(int[][] sequences, int length) throws OrtException {
            if (first == null) {
                // A window's beams (or samples) begin as one prompt over its states stored once: the first step, which
                // runs over the whole prompt (up to 224 tokens of previous text), is run on one row and spread over
                // the others rather than run on each.
                int[][] run = sequences.length > 1 && encoded.storedOnce() && identical(sequences, length)
                        ? new int[][] {sequences[0]} : sequences;
                rowsPerFirstRow = sequences.length / run.length;
                whole = new WholeSequenceInputs(model, encoded, firstStepFrom, run.length);
                try (OnnxTensor ids = ids(run, 0, length)) {
                    first = model.decoderSession().run(whole.with(ids));
                }
                fed = length;
                for (int layer = 0; layer < model.decoderLayers(); layer++) {
                    for (String kind : new String[] {"key", "value"}) {
                        String name = pastName(layer, kind);
                        past.put(name, WholeSequenceInputs.output(model, first, presentName(name)));
                    }
                }
                firstLogits = Logits.of(first, firstStepFrom);
                prepareSteps();
                if (rowsPerFirstRow > 1) {
                    reorder(new int[sequences.length]);
                }
                rows = firstLogits.lastRows(rows, rowsPerFirstRow);
                return rows;
            }
            int tokens = length - fed;
            Map<String, OnnxTensor> outputs = new HashMap<>();
            Map<String, FloatBuffer> written = new HashMap<>();
            try (OnnxTensor ids = ids(sequences, fed, length)) {
                for (var entry : past.entrySet()) {
                    long[] shape = entry.getValue().getInfo().getShape();
                    long[] present = {shape[0], shape[1], shape[2] + tokens, shape[3]};
                    int floats = (int) (present[0] * present[1] * present[2] * present[3]);
                    FloatBuffer buffer = buffers.other(entry.getKey(), pastBuffers.get(entry.getKey()), floats,
                            StepBuffers.blockFloats(present));
                    written.put(entry.getKey(), buffer);
                    outputs.put(presentName(entry.getKey()), over(buffer, present));
                }
                int vocab = firstLogits.vocab();
                FloatBuffer logits = buffers.logits(sequences.length * tokens * vocab);
                outputs.put("logits", over(logits, new long[] {sequences.length, tokens, vocab}));
                Map<String, OnnxTensor> inputs = new HashMap<>(past);
                inputs.putAll(stepInputs);
                inputs.put("input_ids", ids);
                OrtSession session = model.merged() ? model.decoderSession() : model.decoderWithPastSession();
                session.run(inputs, Set.of(), outputs).close();
                rows = new Logits(logits, fed, sequences.length, tokens, vocab).lastRows(rows);
            } catch (OrtException | RuntimeException e) {
                outputs.values().forEach(OnnxTensor::close);
                throw e;
            }
            fed = length;
            made.forEach(OnnxTensor::close);
            made.clear();
            for (var entry : written.entrySet()) {
                OnnxTensor present = outputs.get(presentName(entry.getKey()));
                past.put(entry.getKey(), present);
                pastBuffers.put(entry.getKey(), entry.getValue());
                made.add(present);
            }
            outputs.get("logits").close();
            return rows;
        }

        private static boolean identical(int[][] sequences, int length) {
            for (int[] sequence : sequences) {
                if (!Arrays.equals(sequence, 0, length, sequences[0], 0, length)) {
                    return false;
                }
            }
            return true;
        }

        private static String pastName(int layer, String kind) {
            return "past_key_values." + layer + ".decoder." + kind;
        }

        /** The output that is the next step's input {@code pastName}. */
        private static String presentName(String pastName) {
            return pastName.replace("past_key_values.", "present.");
        }

        /** A tensor of {@code shape} over the start of {@code buffer}: ONNX Runtime reads or writes it there. */
        private static OnnxTensor over(FloatBuffer buffer, long[] shape) throws OrtException {
            int floats = (int) (shape[0] * shape[1] * shape[2] * (shape.length > 3 ? shape[3] : 1));
            return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), StepBuffers.view(buffer, floats), shape);
        }

        private void prepareSteps() throws OrtException {
            for (int layer = 0; layer < model.decoderLayers(); layer++) {
                for (String kind : new String[] {"key", "value"}) {
                    stepInputs.put("past_key_values." + layer + ".encoder." + kind,
                            whole.crossAttention("present." + layer + ".encoder." + kind, first));
                }
            }
            if (model.merged()) {
                stepInputs.put("encoder_hidden_states", encoded.hiddenStates());
                stepInputs.put("use_cache_branch", keep(
                        OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), new boolean[] {true})));
            }
            if (model.decoderGraphs() == WhisperModel.DecoderGraphs.STEP
                    || model.merged() && model.decoderSkipsLogits()) {
                // The step graph gives the logits of the new token(s): positions from 0 of its input. The merged
                // graph's first-step branch only reads it, but it is an input of the graph.
                stepInputs.put(WhisperModel.LOGITS_FROM, keep(WholeSequenceInputs.logitsFromTensor(0)));
            }
        }

        private OnnxTensor keep(OnnxTensor tensor) {
            stepTensors.add(tensor);
            return tensor;
        }

        @Override
        public void reorder(int[] sources) throws OrtException {
            boolean same = true;
            for (int row = 0; row < sources.length && same; row++) {
                same = sources[row] == row;
            }
            if (same) {
                return;
            }
            for (var entry : past.entrySet()) {
                OnnxTensor tensor = entry.getValue();
                long[] shape = tensor.getInfo().getShape();
                int rowSize = (int) (shape[1] * shape[2] * shape[3]);
                int size = sources.length * rowSize;
                // As many rows as sources: more than the first step's where it ran one row for several.
                long[] reordered = {sources.length, shape[1], shape[2], shape[3]};
                FloatBuffer buffer = pastBuffers.get(entry.getKey());
                if (buffer == null) {
                    // The first step's keys/values are ONNX Runtime's, read through a copy (once a window), and
                    // written row by row into a buffer of their own.
                    FloatBuffer from = tensor.getFloatBuffer();
                    buffer = buffers.other(entry.getKey(), null, size, StepBuffers.blockFloats(reordered));
                    for (int row = 0; row < sources.length; row++) {
                        buffer.put(row * rowSize, from, sources[row] * rowSize, rowSize);
                    }
                    OnnxTensor moved = over(buffer, reordered);
                    made.add(moved);
                    entry.setValue(moved);
                    pastBuffers.put(entry.getKey(), buffer);
                    continue;
                }
                // The later ones are gathered aside, then written back over the buffer the tensor goes on reading.
                float[] gathered = buffers.gathered(size, StepBuffers.blockFloats(reordered));
                for (int row = 0; row < sources.length; row++) {
                    buffer.get(sources[row] * rowSize, gathered, row * rowSize, rowSize);
                }
                buffer.put(0, gathered, 0, size);
            }
        }

        @Override
        public float[] firstStepRow(int row, int position) {
            return firstLogits.row(row / rowsPerFirstRow, position);
        }

        @Override
        public void close() {
            made.forEach(OnnxTensor::close);
            for (AutoCloseable resource : new AutoCloseable[] {first, whole}) {
                if (resource != null) {
                    try {
                        resource.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot release decoder tensors", e);
                    }
                }
            }
            stepTensors.forEach(OnnxTensor::close);
            pool.give(buffers);
        }
    }
}
