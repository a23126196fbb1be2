package io.sensorium.processors.speech.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.sensorium.processors.onnx.ModelException;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * What a decoder run over whole token sequences (a first step, a step without the cache, the run for word times)
 * takes besides the tokens, in the model's layout, made once for the runs over one encoder output: the encoder's
 * states; the merged graph's use_cache_branch false and past tensors of length 0; in the
 * {@link WhisperModel.DecoderGraphs#STEP} layout the cross-attention keys and values its own graph computes from the
 * encoder's states, and a self-attention past of length 0; and {@code logits_from} where the graph takes it.
 */
final class WholeSequenceInputs implements AutoCloseable {
    private final WhisperModel model;
    private final Map<String, OnnxTensor> inputs = new HashMap<>();
    /** The tensors made here (not the encoder's states, nor those of {@link #crossKv}). */
    private final Map<String, OnnxTensor> owned = new HashMap<>();
    private final OrtSession.Result crossKv;

    /** @param logitsFrom the first position whose logits the runs are asked for (where the graph takes it) */
    WholeSequenceInputs(WhisperModel model, WhisperEncoder.EncoderOutput encoded, int logitsFrom) throws OrtException {
        this(model, encoded, logitsFrom, encoded.batch());
    }

    /**
     * @param rows the token rows of the runs: the encoder output's batch, or one where it stores one window's states
     *             for all its rows
     */
    WholeSequenceInputs(WhisperModel model, WhisperEncoder.EncoderOutput encoded, int logitsFrom, int rows)
            throws OrtException {
        this.model = model;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            if (model.decoderSkipsLogits()) {
                owned.put(WhisperModel.LOGITS_FROM, logitsFromTensor(logitsFrom));
            }
            if (model.crossKvSession() != null) {
                crossKv = model.crossKvSession().run(Map.of("encoder_hidden_states", encoded.hiddenStates()));
                for (int layer = 0; layer < model.decoderLayers(); layer++) {
                    for (String kind : new String[] {"key", "value"}) {
                        inputs.put("past_key_values." + layer + ".encoder." + kind,
                                output(model, crossKv, "present." + layer + ".encoder." + kind));
                    }
                }
            } else {
                crossKv = null;
                inputs.put("encoder_hidden_states", encoded.hiddenStates());
            }
            if (model.merged()) {
                owned.put("use_cache_branch", OnnxTensor.createTensor(env, new boolean[] {false}));
            }
            if (model.merged() || crossKv != null) {
                for (var entry : model.decoderSession().getInputInfo().entrySet()) {
                    String name = entry.getKey();
                    if (name.startsWith("past_key_values.") && !inputs.containsKey(name)) {
                        long[] shape = ((TensorInfo) entry.getValue().getInfo()).getShape();
                        owned.put(name, OnnxTensor.createTensor(env, FloatBuffer.allocate(0),
                                new long[] {rows, shape[1], 0, shape[3]}));
                    }
                }
            }
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
        inputs.putAll(owned);
    }

    /** The {@code logits_from} input of a decoder graph of Sensorium's converter. */
    static OnnxTensor logitsFromTensor(int position) throws OrtException {
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), new long[] {position});
    }

    /** The inputs of a run over {@code ids}, the {@code [rows, positions]} tokens. */
    Map<String, OnnxTensor> with(OnnxTensor ids) {
        Map<String, OnnxTensor> run = new HashMap<>(inputs);
        run.put("input_ids", ids);
        return run;
    }

    /**
     * A layer's cross-attention keys or values ({@code present.N.encoder.key} / {@code .value}), which every cached
     * step after the first takes: from this layout's own graph, or else from the first step's {@code result}.
     */
    OnnxTensor crossAttention(String name, OrtSession.Result result) {
        return output(model, crossKv != null ? crossKv : result, name);
    }

    /** The output {@code name} of a decoder run. */
    static OnnxTensor output(WhisperModel model, OrtSession.Result result, String name) {
        OnnxValue value = result.get(name).orElseThrow(() -> new ModelException(
                "decoder of " + model.name() + " gives no output " + name));
        return (OnnxTensor) value;
    }

    @Override
    public void close() {
        owned.values().forEach(OnnxTensor::close);
        if (crossKv != null) {
            crossKv.close();
        }
    }
}
