package io.sensorium.processors.speech.whisper;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.sensorium.processors.features.LogMelSpectrogram;
import io.sensorium.processors.onnx.ModelException;
import io.sensorium.processors.onnx.ModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Whisper model directory in the Hugging Face ONNX layout (the Hub's onnx-community/whisper-* repositories):
 * config.json, generation_config.json, preprocessor_config.json, tokenizer.json, onnx/encoder_model.onnx and
 * onnx/decoder_model_merged.onnx and/or the onnx/decoder_model.onnx + onnx/decoder_with_past_model.onnx pair; or, as
 * Sensorium's converter makes them, onnx/decoder_cross_kv_model.onnx + onnx/decoder_step_model.onnx (models/README.md).
 * Loading checks that the files agree with each other — every graph's inputs and outputs against config.json — so
 * a wrong or half-copied model fails here with its file named, not in the middle of a stream. The ONNX Runtime
 * sessions are safe to run from several threads at once.
 */
public final class WhisperModel implements AutoCloseable {
    public static final int WINDOW_FRAMES = 3000;
    /** The encoder's metadata key, written by models/convert, that marks one taking fewer frames than a window. */
    static final String SHORT_INPUT_PROPERTY = "sensorium.encoder.short-input";
    /** The first-step decoder's input in graphs of Sensorium's converter: the first position whose logits it gives. */
    static final String LOGITS_FROM = "logits_from";
    private static final String ENCODER = "onnx/encoder_model.onnx";
    private static final String MERGED = "onnx/decoder_model_merged.onnx";
    private static final String DECODER = "onnx/decoder_model.onnx";
    private static final String DECODER_WITH_PAST = "onnx/decoder_with_past_model.onnx";
    private static final String CROSS_KV = "onnx/decoder_cross_kv_model.onnx";
    private static final String STEP = "onnx/decoder_step_model.onnx";

    /** Which decoder graphs to load when a directory has both layouts, as the Hub's repositories do. */
    public enum DecoderGraphs {
        /**
         * The converter's cross-attention and step graphs when present, else the pair (a cached step runs faster
         * without the merged graph's If), else the merged graph.
         */
        AUTO,
        /** onnx/decoder_model_merged.onnx. */
        MERGED,
        /** onnx/decoder_model.onnx + onnx/decoder_with_past_model.onnx. */
        PAIR,
        /**
         * onnx/decoder_cross_kv_model.onnx (the cross-attention keys and values of an encoder output) +
         * onnx/decoder_step_model.onnx (every step, the first with no past): one session holds the decoder's weights,
         * where each graph of a pair holds (and ONNX Runtime packs for its products) a copy of them all.
         */
        STEP
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
            return new Options(intraOpThreads, ModelFiles.cudaDevice(device), DecoderGraphs.AUTO);
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
    private final ModelFiles files;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final OrtSession decoderWithPast;
    private final OrtSession crossKv;
    /** The decoder graphs loaded: never AUTO. */
    private final DecoderGraphs layout;
    private final boolean shortInput;
    /** Whether the first-step decoder takes {@link #LOGITS_FROM}: read once, as every decoding step asks. */
    private final boolean skipsLogits;

    public static WhisperModel load(Path dir, Options options) {
        return new WhisperModel(dir, options);
    }

    private WhisperModel(Path dir, Options options) {
        this.dir = dir;
        this.files = new ModelFiles(dir, options.intraOpThreads(), options.cudaDevice());
        try {
            JsonNode config = files.json("config.json");
            if (!"whisper".equals(config.path("model_type").asText())) {
                throw new ModelException(dir.resolve("config.json") + " is for model_type '"
                        + config.path("model_type").asText() + "', not whisper");
            }
            this.melBins = files.positive(config, "num_mel_bins");
            this.decoderLayers = files.positive(config, "decoder_layers");
            this.decoderHeads = files.positive(config, "decoder_attention_heads");
            this.dModel = files.positive(config, "d_model");
            this.vocabSize = files.positive(config, "vocab_size");
            JsonNode preprocessor = files.json("preprocessor_config.json");
            int featureSize = preprocessor.path("feature_size").asInt(-1);
            if (featureSize != melBins) {
                throw new ModelException(dir.resolve("preprocessor_config.json") + " has feature_size " + featureSize
                        + " but config.json has num_mel_bins " + melBins);
            }
            requireFeatures(preprocessor, "sampling_rate", LogMelSpectrogram.SAMPLE_RATE);
            requireFeatures(preprocessor, "hop_length", LogMelSpectrogram.HOP);
            requireFeatures(preprocessor, "n_fft", LogMelSpectrogram.N_FFT);
            this.generation = GenerationConfig.parse(files.json("generation_config.json"),
                    dir.resolve("generation_config.json").toString());
            if (generation.timestampBegin() >= vocabSize) {
                throw new ModelException(dir.resolve("generation_config.json") + " has no_timestamps_token_id "
                        + generation.noTimestampsTokenId() + ", beyond config.json's vocab_size " + vocabSize);
            }
            this.tokenizer = WhisperTokenizer.load(files.file("tokenizer.json"));
            this.layout = layout(options.decoderGraphs());
            this.encoder = files.session(ENCODER);
            this.decoder = files.session(switch (layout) {
                case MERGED -> MERGED;
                case STEP -> STEP;
                default -> DECODER;
            });
            this.decoderWithPast = switch (layout) {
                case MERGED -> null;
                case STEP -> decoder;
                default -> files.session(DECODER_WITH_PAST);
            };
            this.crossKv = layout == DecoderGraphs.STEP ? files.session(CROSS_KV) : null;
            this.shortInput = declaresShortInput();
            this.skipsLogits = decoder.getInputNames().contains(LOGITS_FROM);
            validate();
        } catch (RuntimeException e) {
            files.close();
            throw e;
        }
    }

    /**
     * Exports of transformers add all 1500 positional embeddings, so their encoder takes exactly 3000 frames whatever
     * its declared shape; Sensorium's converter slices them to the input and says so in the graph's metadata.
     */
    private boolean declaresShortInput() {
        try {
            return "true".equals(encoder.getMetadata().getCustomMetadata().get(SHORT_INPUT_PROPERTY));
        } catch (OrtException e) {
            throw new ModelException(dir.resolve(ENCODER) + " has unreadable metadata: " + e.getMessage(), e);
        }
    }

    /** The feature processor makes Whisper's features only: a model trained on others would get the wrong input. */
    private void requireFeatures(JsonNode preprocessor, String field, int supported) {
        JsonNode value = preprocessor.get(field);
        if (value != null && value.asInt() != supported) {
            throw new ModelException(dir.resolve("preprocessor_config.json") + " asks for " + field + " " + value.asText()
                    + "; Sensorium's log-mel features have " + supported);
        }
    }

    private DecoderGraphs layout(DecoderGraphs graphs) {
        if (graphs != DecoderGraphs.AUTO) {
            return graphs;
        }
        if (files.exists(STEP)) {
            return DecoderGraphs.STEP;
        }
        // Without either layout complete, loading the pair names the file that is missing.
        boolean hasPair = files.exists(DECODER) && files.exists(DECODER_WITH_PAST);
        return !hasPair && files.exists(MERGED) ? DecoderGraphs.MERGED : DecoderGraphs.PAIR;
    }

    /** Every graph's inputs and outputs, by name and, where the graph fixes them, by size. */
    private void validate() {
        long heads = decoderHeads;
        long headSize = dModel / decoderHeads;
        files.expect(encoder, ENCODER, Set.of("input_features"), Set.of("last_hidden_state"), "a Whisper encoder");
        files.expectShape(encoder, ENCODER, "input_features", true, new long[] {-1, melBins, WINDOW_FRAMES}, "num_mel_bins");
        files.expectShape(encoder, ENCODER, "last_hidden_state", false, new long[] {-1, -1, dModel}, "d_model");
        if (layout == DecoderGraphs.STEP) {
            validateSteps(heads, headSize);
            return;
        }
        boolean merged = merged();
        String decoderFile = merged ? MERGED : DECODER;
        Set<String> inputs = new TreeSet<>(Set.of("input_ids", "encoder_hidden_states"));
        if (merged) {
            inputs.add("use_cache_branch");
            inputs.addAll(cacheNames("past_key_values", true));
        }
        if (decoderSkipsLogits()) {
            inputs.add(LOGITS_FROM);
        }
        Set<String> outputs = new TreeSet<>(Set.of("logits"));
        outputs.addAll(cacheNames("present", true));
        files.expect(decoder, decoderFile, inputs, outputs, decoderLayers + " decoder layers");
        files.expectShape(decoder, decoderFile, "logits", false, new long[] {-1, -1, vocabSize}, "vocab_size");
        files.expectShape(decoder, decoderFile, "present.0.encoder.key", false, new long[] {-1, heads, -1, headSize},
                "decoder_attention_heads and d_model");
        if (!merged) {
            Set<String> pastInputs = new TreeSet<>(Set.of("input_ids"));
            pastInputs.addAll(cacheNames("past_key_values", true));
            Set<String> pastOutputs = new TreeSet<>(Set.of("logits"));
            pastOutputs.addAll(cacheNames("present", false));
            files.expect(decoderWithPast, DECODER_WITH_PAST, pastInputs, pastOutputs, decoderLayers + " decoder layers");
            files.expectShape(decoderWithPast, DECODER_WITH_PAST, "logits", false, new long[] {-1, -1, vocabSize}, "vocab_size");
            files.expectShape(decoderWithPast, DECODER_WITH_PAST, "past_key_values.0.decoder.key", true,
                    new long[] {-1, heads, -1, headSize}, "decoder_attention_heads and d_model");
        }
    }

    private void validateSteps(long heads, long headSize) {
        String layers = decoderLayers + " decoder layers";
        Set<String> crossOutputs = new TreeSet<>(cacheNames("present", true));
        crossOutputs.removeAll(cacheNames("present", false));
        files.expect(crossKv, CROSS_KV, Set.of("encoder_hidden_states"), crossOutputs, layers);
        files.expectShape(crossKv, CROSS_KV, "encoder_hidden_states", true, new long[] {-1, -1, dModel}, "d_model");
        files.expectShape(crossKv, CROSS_KV, "present.0.encoder.key", false, new long[] {-1, heads, -1, headSize},
                "decoder_attention_heads and d_model");
        Set<String> inputs = new TreeSet<>(Set.of("input_ids", LOGITS_FROM));
        inputs.addAll(cacheNames("past_key_values", true));
        Set<String> outputs = new TreeSet<>(Set.of("logits"));
        outputs.addAll(cacheNames("present", false));
        files.expect(decoder, STEP, inputs, outputs, layers);
        files.expectShape(decoder, STEP, "logits", false, new long[] {-1, -1, vocabSize}, "vocab_size");
        files.expectShape(decoder, STEP, "past_key_values.0.decoder.key", true, new long[] {-1, heads, -1, headSize},
                "decoder_attention_heads and d_model");
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

    GenerationConfig generationConfig() {
        return generation;
    }

    public WhisperTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Whether the encoder takes fewer than {@link #WINDOW_FRAMES} frames (an even number: its second convolution
     * halves them), for a fraction of the cost; the decoder then attends to the shorter audio only.
     */
    public boolean encodesShortInput() {
        return shortInput;
    }

    /**
     * Whether the first-step decoder takes {@link #LOGITS_FROM}, and so gives the logits of the positions from there
     * on only; exports of transformers give every position's.
     */
    boolean decoderSkipsLogits() {
        return skipsLogits;
    }

    /**
     * Whether the decoder takes one window's encoder states for several rows of tokens (beams, samples): the pair of
     * graphs Sensorium's converter makes (the ones with {@link #LOGITS_FROM}) broadcast them in their products; other
     * exports may reshape by the batch of their input, and are given a copy per row.
     */
    boolean decoderBroadcastsEncoderStates() {
        return skipsLogits && !merged();
    }

    /** Whether the merged decoder graph was loaded. */
    public boolean merged() {
        return layout == DecoderGraphs.MERGED;
    }

    /** The decoder graphs loaded (never AUTO). */
    public DecoderGraphs decoderGraphs() {
        return layout;
    }

    OrtSession encoderSession() {
        return encoder;
    }

    /**
     * The graph of a first step: onnx/decoder_model.onnx, the merged graph, or the step graph (which then takes the
     * {@link #crossKvSession()}'s keys and values and a past of length 0 instead of the encoder's states).
     */
    OrtSession decoderSession() {
        return decoder;
    }

    /** The graph of a cached step: the pair's decoder-with-past, or the step graph; null for a merged decoder. */
    OrtSession decoderWithPastSession() {
        return decoderWithPast;
    }

    /** The cross-attention keys and values of an encoder output in the {@link DecoderGraphs#STEP} layout, else null. */
    OrtSession crossKvSession() {
        return crossKv;
    }

    @Override
    public void close() {
        files.close();
    }
}
