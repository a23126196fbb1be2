package io.sensorium.processors.speech;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A Whisper model directory in the Hugging Face ONNX layout (the Hub's onnx-community/whisper-* repositories):
 * config.json, generation_config.json, preprocessor_config.json, tokenizer.json, onnx/encoder_model.onnx and either
 * onnx/decoder_model_merged.onnx or the onnx/decoder_model.onnx + onnx/decoder_with_past_model.onnx pair. Loading
 * checks that the files agree with each other, so a wrong or half-copied model fails here with its file named,
 * not in the middle of a stream.
 */
public final class WhisperModel implements AutoCloseable {
    public static final int WINDOW_FRAMES = 3000;

    private final Path dir;
    private final int melBins;
    private final int decoderLayers;
    private final GenerationConfig generation;
    private final WhisperTokenizer tokenizer;
    private final OrtSession.SessionOptions options;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final OrtSession decoderWithPast;
    private final boolean merged;

    /**
     * @param threads ONNX Runtime intra-op threads per session
     * @param device  {@code cpu} or {@code cuda}
     */
    public static WhisperModel load(Path dir, int threads, String device) {
        return new WhisperModel(dir, threads, device);
    }

    private WhisperModel(Path dir, int threads, String device) {
        this.dir = dir;
        if (!Files.isDirectory(dir)) {
            throw new ModelException("no model directory at " + dir);
        }
        JsonNode config = json("config.json");
        if (!"whisper".equals(config.path("model_type").asText())) {
            throw new ModelException(dir.resolve("config.json") + " is for model_type '" + config.path("model_type").asText()
                    + "', not whisper");
        }
        this.melBins = config.path("num_mel_bins").asInt(80);
        this.decoderLayers = config.path("decoder_layers").asInt();
        int featureSize = json("preprocessor_config.json").path("feature_size").asInt(melBins);
        if (featureSize != melBins) {
            throw new ModelException(dir.resolve("preprocessor_config.json") + " has feature_size " + featureSize
                    + " but config.json has num_mel_bins " + melBins);
        }
        this.generation = GenerationConfig.parse(json("generation_config.json"), dir.resolve("generation_config.json").toString());
        this.tokenizer = WhisperTokenizer.load(file("tokenizer.json"));
        this.options = sessionOptions(threads, device);
        Path mergedFile = dir.resolve("onnx/decoder_model_merged.onnx");
        this.merged = Files.isRegularFile(mergedFile);
        try {
            this.encoder = session(file("onnx/encoder_model.onnx"));
            this.decoder = session(merged ? mergedFile : file("onnx/decoder_model.onnx"));
            this.decoderWithPast = merged ? null : session(file("onnx/decoder_with_past_model.onnx"));
            validate();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static OrtSession.SessionOptions sessionOptions(int threads, String device) {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(Math.max(1, threads));
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if ("cuda".equalsIgnoreCase(device)) {
                options.addCUDA(0);
            } else if (!"cpu".equalsIgnoreCase(device)) {
                throw new ModelException("unknown device '" + device + "': use cpu or cuda");
            }
            return options;
        } catch (OrtException e) {
            options.close();
            throw new ModelException("ONNX Runtime cannot use device " + device + " (" + e.getMessage()
                    + "); the CUDA provider needs the onnxruntime_gpu build with CUDA 12 and cuDNN 9", e);
        }
    }

    private OrtSession session(Path file) {
        try {
            return OrtEnvironment.getEnvironment().createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new ModelException(file + " is not a loadable ONNX graph: " + e.getMessage(), e);
        }
    }

    private void validate() {
        try {
            TensorInfo features = (TensorInfo) input(encoder, "input_features", "onnx/encoder_model.onnx").getInfo();
            long[] shape = features.getShape();
            if (shape.length != 3 || (shape[1] > 0 && shape[1] != melBins)) {
                throw new ModelException(dir.resolve("onnx/encoder_model.onnx") + " takes input_features of shape "
                        + java.util.Arrays.toString(shape) + ", but config.json says " + melBins + " mel bins");
            }
            String decoderFile = merged ? "onnx/decoder_model_merged.onnx" : "onnx/decoder_model.onnx";
            input(decoder, "input_ids", decoderFile);
            input(decoder, "encoder_hidden_states", decoderFile);
            if (merged) {
                input(decoder, "use_cache_branch", decoderFile);
                input(decoder, "past_key_values." + (decoderLayers - 1) + ".encoder.value", decoderFile);
            } else {
                input(decoderWithPast, "past_key_values." + (decoderLayers - 1) + ".encoder.value",
                        "onnx/decoder_with_past_model.onnx");
                if (decoderWithPast.getInputNames().contains("past_key_values." + decoderLayers + ".decoder.key")) {
                    throw new ModelException(dir.resolve("onnx/decoder_with_past_model.onnx") + " has more layers than"
                            + " the " + decoderLayers + " config.json says");
                }
            }
        } catch (OrtException e) {
            throw new ModelException("cannot read the inputs of the graphs in " + dir + ": " + e.getMessage(), e);
        }
    }

    private NodeInfo input(OrtSession session, String name, String fileName) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        NodeInfo info = inputs.get(name);
        if (info == null) {
            Set<String> names = inputs.keySet();
            throw new ModelException(dir.resolve(fileName) + " has no input '" + name + "' (it has " + names
                    + "): not a Whisper graph of this layout, or one of another size than config.json");
        }
        return info;
    }

    private JsonNode json(String name) {
        try {
            return new ObjectMapper().readTree(file(name).toFile());
        } catch (IOException e) {
            throw new ModelException(dir.resolve(name) + " is not readable JSON: " + e.getMessage(), e);
        }
    }

    private Path file(String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new ModelException("model " + dir + " lacks " + name);
        }
        return file;
    }

    public Path directory() {
        return dir;
    }

    public String name() {
        return dir.getFileName().toString();
    }

    public int melBins() {
        return melBins;
    }

    public int decoderLayers() {
        return decoderLayers;
    }

    public GenerationConfig generationConfig() {
        return generation;
    }

    public WhisperTokenizer tokenizer() {
        return tokenizer;
    }

    OrtSession encoderSession() {
        return encoder;
    }

    OrtSession decoderSession() {
        return decoder;
    }

    /** The decoder-with-past graph of the pair layout; null for a merged decoder. */
    OrtSession decoderWithPastSession() {
        return decoderWithPast;
    }

    boolean merged() {
        return merged;
    }

    @Override
    public void close() {
        for (OrtSession session : new OrtSession[] {encoder, decoder, decoderWithPast}) {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException e) {
                    throw new IllegalStateException("cannot close an ONNX Runtime session of " + dir, e);
                }
            }
        }
        if (options != null) {
            options.close();
        }
    }
}
