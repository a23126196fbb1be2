package io.sensorium.processors.speech;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Whisper model directory in the Hugging Face ONNX layout (the Hub's onnx-community/whisper-* repositories):
 * config.json, generation_config.json, preprocessor_config.json, tokenizer.json, onnx/encoder_model.onnx and
 * onnx/decoder_model_merged.onnx and/or the onnx/decoder_model.onnx + onnx/decoder_with_past_model.onnx pair.
 * Loading checks that the files agree with each other — every graph's inputs and outputs against config.json — so
 * a wrong or half-copied model fails here with its file named, not in the middle of a stream. The ONNX Runtime
 * sessions are safe to run from several threads at once.
 */
public final class WhisperModel implements AutoCloseable {
    public static final int WINDOW_FRAMES = 3000;
    private static final String ENCODER = "onnx/encoder_model.onnx";
    private static final String MERGED = "onnx/decoder_model_merged.onnx";
    private static final String DECODER = "onnx/decoder_model.onnx";
    private static final String DECODER_WITH_PAST = "onnx/decoder_with_past_model.onnx";

    /** Which decoder graphs to load when a directory has both layouts, as the Hub's repositories do. */
    public enum DecoderGraphs {
        /** The pair when present (a cached step runs faster without the merged graph's If), else the merged graph. */
        AUTO,
        /** onnx/decoder_model_merged.onnx. */
        MERGED,
        /** onnx/decoder_model.onnx + onnx/decoder_with_past_model.onnx. */
        PAIR
    }

    /**
     * @param intraOpThreads ONNX Runtime intra-op threads per session
     * @param cudaDevice     the CUDA device to run on, or -1 for the CPU
     * @param decoderGraphs  which decoder layout to load
     */
    public record Options(int intraOpThreads, int cudaDevice, DecoderGraphs decoderGraphs) {
        public Options {
            if (intraOpThreads < 1) {
                throw new IllegalArgumentException("intra-op threads must be at least 1, not " + intraOpThreads);
            }
        }

        public static Options cpu(int intraOpThreads) {
            return new Options(intraOpThreads, -1, DecoderGraphs.AUTO);
        }

        /** {@code cpu} or {@code cuda} (device 0) or {@code cuda:N}, as the configuration's speech.device says. */
        public static Options forDevice(String device, int intraOpThreads) {
            String name = device == null ? "cpu" : device.trim().toLowerCase(java.util.Locale.ROOT);
            if (name.equals("cpu")) {
                return cpu(intraOpThreads);
            }
            if (name.equals("cuda")) {
                return new Options(intraOpThreads, 0, DecoderGraphs.AUTO);
            }
            if (name.matches("cuda:\\d+")) {
                return new Options(intraOpThreads, Integer.parseInt(name.substring(5)), DecoderGraphs.AUTO);
            }
            throw new ModelException("unknown device '" + device + "': use cpu, cuda or cuda:N");
        }

        public Options withDecoderGraphs(DecoderGraphs graphs) {
            return new Options(intraOpThreads, cudaDevice, graphs);
        }
    }

    private final Path dir;
    private final int melBins;
    private final int decoderLayers;
    private final int decoderHeads;
    private final int dModel;
    private final int vocabSize;
    private final GenerationConfig generation;
    private final WhisperTokenizer tokenizer;
    private final OrtSession.SessionOptions sessionOptions;
    private final List<OrtSession> sessions = new ArrayList<>();
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final OrtSession decoderWithPast;
    private final boolean merged;

    public static WhisperModel load(Path dir, Options options) {
        return new WhisperModel(dir, options);
    }

    private WhisperModel(Path dir, Options options) {
        this.dir = dir;
        if (!Files.isDirectory(dir)) {
            throw new ModelException("no model directory at " + dir);
        }
        JsonNode config = json("config.json");
        if (!"whisper".equals(config.path("model_type").asText())) {
            throw new ModelException(dir.resolve("config.json") + " is for model_type '"
                    + config.path("model_type").asText() + "', not whisper");
        }
        this.melBins = positive(config, "num_mel_bins");
        this.decoderLayers = positive(config, "decoder_layers");
        this.decoderHeads = positive(config, "decoder_attention_heads");
        this.dModel = positive(config, "d_model");
        this.vocabSize = positive(config, "vocab_size");
        JsonNode preprocessor = json("preprocessor_config.json");
        int featureSize = preprocessor.path("feature_size").asInt(-1);
        if (featureSize != melBins) {
            throw new ModelException(dir.resolve("preprocessor_config.json") + " has feature_size " + featureSize
                    + " but config.json has num_mel_bins " + melBins);
        }
        this.generation = GenerationConfig.parse(json("generation_config.json"), dir.resolve("generation_config.json").toString());
        if (generation.timestampBegin() >= vocabSize) {
            throw new ModelException(dir.resolve("generation_config.json") + " has no_timestamps_token_id "
                    + generation.noTimestampsTokenId() + ", beyond config.json's vocab_size " + vocabSize);
        }
        this.tokenizer = WhisperTokenizer.load(file("tokenizer.json"));
        this.merged = useMerged(options.decoderGraphs());
        this.sessionOptions = sessionOptions(options);
        try {
            this.encoder = session(ENCODER);
            this.decoder = session(merged ? MERGED : DECODER);
            this.decoderWithPast = merged ? null : session(DECODER_WITH_PAST);
            validate();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private boolean useMerged(DecoderGraphs graphs) {
        boolean hasPair = Files.isRegularFile(dir.resolve(DECODER)) && Files.isRegularFile(dir.resolve(DECODER_WITH_PAST));
        return switch (graphs) {
            case MERGED -> true;
            case PAIR -> false;
            // Without either layout complete, loading the pair names the file that is missing.
            case AUTO -> !hasPair && Files.isRegularFile(dir.resolve(MERGED));
        };
    }

    private static OrtSession.SessionOptions sessionOptions(Options options) {
        OrtSession.SessionOptions session = new OrtSession.SessionOptions();
        try {
            session.setIntraOpNumThreads(options.intraOpThreads());
            session.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.cudaDevice() >= 0) {
                Set<OrtProvider> available = OrtEnvironment.getAvailableProviders();
                if (!available.contains(OrtProvider.CUDA)) {
                    throw new ModelException("this ONNX Runtime build has no CUDA execution provider (it has "
                            + available + "): run on the CPU, or use the onnxruntime_gpu artifact (CUDA 12, cuDNN 9)");
                }
                session.addCUDA(options.cudaDevice());
            }
            return session;
        } catch (OrtException e) {
            session.close();
            throw new ModelException("ONNX Runtime cannot use CUDA device " + options.cudaDevice() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private OrtSession session(String name) {
        Path file = file(name);
        try {
            OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString(), sessionOptions);
            sessions.add(session);
            return session;
        } catch (OrtException e) {
            throw new ModelException(file + " is not a loadable ONNX graph: " + e.getMessage(), e);
        }
    }

    /** Every graph's inputs and outputs, by name and, where the graph fixes them, by size. */
    private void validate() {
        long heads = decoderHeads;
        long headSize = dModel / decoderHeads;
        expect(encoder, ENCODER, Set.of("input_features"), Set.of("last_hidden_state"));
        expectShape(encoder, ENCODER, "input_features", true, new long[] {-1, melBins, WINDOW_FRAMES}, "num_mel_bins");
        expectShape(encoder, ENCODER, "last_hidden_state", false, new long[] {-1, -1, dModel}, "d_model");
        String decoderFile = merged ? MERGED : DECODER;
        Set<String> inputs = new TreeSet<>(Set.of("input_ids", "encoder_hidden_states"));
        if (merged) {
            inputs.add("use_cache_branch");
            inputs.addAll(cacheNames("past_key_values", true));
        }
        Set<String> outputs = new TreeSet<>(Set.of("logits"));
        outputs.addAll(cacheNames("present", true));
        expect(decoder, decoderFile, inputs, outputs);
        expectShape(decoder, decoderFile, "logits", false, new long[] {-1, -1, vocabSize}, "vocab_size");
        expectShape(decoder, decoderFile, "present.0.encoder.key", false, new long[] {-1, heads, -1, headSize},
                "decoder_attention_heads and d_model");
        if (!merged) {
            Set<String> pastInputs = new TreeSet<>(Set.of("input_ids"));
            pastInputs.addAll(cacheNames("past_key_values", true));
            Set<String> pastOutputs = new TreeSet<>(Set.of("logits"));
            pastOutputs.addAll(cacheNames("present", false));
            expect(decoderWithPast, DECODER_WITH_PAST, pastInputs, pastOutputs);
            expectShape(decoderWithPast, DECODER_WITH_PAST, "logits", false, new long[] {-1, -1, vocabSize}, "vocab_size");
            expectShape(decoderWithPast, DECODER_WITH_PAST, "past_key_values.0.decoder.key", true,
                    new long[] {-1, heads, -1, headSize}, "decoder_attention_heads and d_model");
        }
    }

    private List<String> cacheNames(String prefix, boolean withEncoder) {
        List<String> names = new ArrayList<>();
        for (int layer = 0; layer < decoderLayers; layer++) {
            for (String attention : withEncoder ? new String[] {"decoder", "encoder"} : new String[] {"decoder"}) {
                names.add(prefix + "." + layer + "." + attention + ".key");
                names.add(prefix + "." + layer + "." + attention + ".value");
            }
        }
        return names;
    }

    /**
     * The graph must take exactly {@code inputs} (any other would need a value this code does not have) and give at
     * least {@code outputs}.
     */
    private void expect(OrtSession session, String file, Set<String> inputs, Set<String> outputs) {
        Set<String> actualInputs = session.getInputNames();
        Set<String> missing = new TreeSet<>(inputs);
        missing.removeAll(actualInputs);
        Set<String> extra = new TreeSet<>(actualInputs);
        extra.removeAll(inputs);
        Set<String> missingOutputs = new TreeSet<>(outputs);
        missingOutputs.removeAll(session.getOutputNames());
        if (!missing.isEmpty() || !extra.isEmpty() || !missingOutputs.isEmpty()) {
            throw new ModelException(dir.resolve(file) + " does not fit config.json (" + decoderLayers
                    + " decoder layers): " + (missing.isEmpty() ? "" : "missing inputs " + missing + "; ")
                    + (extra.isEmpty() ? "" : "unexpected inputs " + extra + "; ")
                    + (missingOutputs.isEmpty() ? "" : "missing outputs " + missingOutputs));
        }
    }

    /** Checks the sizes the graph fixes; -1 in {@code expected} (or a symbolic size in the graph) is not checked. */
    private void expectShape(OrtSession session, String file, String name, boolean input, long[] expected,
                             String configFields) {
        try {
            Map<String, NodeInfo> infos = input ? session.getInputInfo() : session.getOutputInfo();
            long[] shape = ((TensorInfo) infos.get(name).getInfo()).getShape();
            boolean fits = shape.length == expected.length;
            for (int i = 0; fits && i < shape.length; i++) {
                fits = expected[i] < 0 || shape[i] < 0 || shape[i] == expected[i];
            }
            if (!fits) {
                throw new ModelException(dir.resolve(file) + " has " + (input ? "input " : "output ") + name
                        + " of shape " + Arrays.toString(shape) + ", but config.json's " + configFields + " say "
                        + Arrays.toString(expected) + " (-1: any)");
            }
        } catch (OrtException e) {
            throw new ModelException("cannot read the shape of " + name + " in " + dir.resolve(file) + ": "
                    + e.getMessage(), e);
        }
    }

    private int positive(JsonNode config, String field) {
        int value = config.path(field).asInt(0);
        if (value <= 0) {
            throw new ModelException(dir.resolve("config.json") + " lacks a positive " + field);
        }
        return value;
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

    public int dModel() {
        return dModel;
    }

    public GenerationConfig generationConfig() {
        return generation;
    }

    public WhisperTokenizer tokenizer() {
        return tokenizer;
    }

    /** Whether the merged decoder graph was loaded (else the pair). */
    public boolean merged() {
        return merged;
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

    @Override
    public void close() {
        List<OrtException> failures = new ArrayList<>();
        for (OrtSession session : sessions) {
            try {
                session.close();
            } catch (OrtException e) {
                failures.add(e);
            }
        }
        sessions.clear();
        if (sessionOptions != null) {
            sessionOptions.close();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("cannot close the ONNX Runtime sessions of " + dir, failures.get(0));
        }
    }
}
