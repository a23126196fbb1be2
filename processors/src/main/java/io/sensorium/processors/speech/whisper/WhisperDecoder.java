package io.sensorium.processors.speech.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.sensorium.processors.onnx.ModelException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Greedy autoregressive decoding, the way transformers' {@code generate()} does it for Whisper: the prompt, then one
 * token at a time, each step's scores shaped by the generation config's rules and the best one taken, until
 * end-of-text or the length limit. With the KV cache each step feeds only the new token and the keys/values of the
 * steps before; without it each step runs the decoder over the whole sequence (slower; kept to prove the cache
 * changes nothing). The windows of one encoder batch are decoded together, one decoder run per step for all of
 * them; their prompts are of one length because the exported graphs take no attention mask, so sequences in one run
 * must be aligned position by position.
 */
public final class WhisperDecoder {
    // Where inference time goes, for the operator's dashboards and for the benchmark's breakdown.
    private static final Timer DECODER_TIME = Timer.builder("sensorium.speech.decoder")
            .description("decodings, one per batch of windows").publishPercentileHistogram()
            .register(Metrics.globalRegistry);
    private static final Counter DECODED_TOKENS = Counter.builder("sensorium.speech.decoded.tokens").register(Metrics.globalRegistry);

    private final WhisperModel model;
    private final GenerationConfig config;
    private final int noSpeechToken;
    private final int startOfPrevious;

    public WhisperDecoder(WhisperModel model) {
        this.model = model;
        this.config = model.generationConfig();
        // Named <|nocaptions|> in the English-only vocabularies and older multilingual ones, <|nospeech|> in later ones.
        this.noSpeechToken = model.tokenizer().specialTokenId("<|nospeech|>")
                .orElseGet(() -> model.tokenizer().specialTokenId("<|nocaptions|>")
                        .orElseThrow(() -> new ModelException("the tokenizer of " + model.name()
                                + " has neither <|nospeech|> nor <|nocaptions|>")));
        this.startOfPrevious = model.tokenizer().specialTokenId("<|startofprev|>")
                .orElseThrow(() -> new ModelException("the tokenizer of " + model.name() + " has no <|startofprev|>"));
    }

    /**
     * @param tokens       all tokens, prompt first
     * @param promptLength how many of them are the prompt
     * @param sumLogprob   sum of the log-probabilities of the generated tokens (end-of-text included)
     * @param endOfText    whether decoding stopped at end-of-text rather than at the length limit
     * @param noSpeechProb the probability of the no-speech token right after {@code <|startoftranscript|>}, before
     *                     any rule shapes the scores (openai's no_speech_prob)
     */
    public record Result(int[] tokens, int promptLength, double sumLogprob, boolean endOfText, double noSpeechProb) {
        /** The generated tokens without the prompt and the end-of-text token. */
        public int[] generated() {
            int end = endOfText ? tokens.length - 1 : tokens.length;
            return Arrays.copyOfRange(tokens, promptLength, end);
        }

        /** openai's avg_logprob: the sum over the generated tokens, divided by their count plus one. */
        public double avgLogprob() {
            return sumLogprob / (generated().length + 1);
        }
    }

    /** The prompt for transcription: {@code <|startoftranscript|> [<|lang|> <|transcribe|>] [<|notimestamps|>]}. */
    public int[] prompt(boolean timestamps, String language) {
        return prompt(new int[0], timestamps, language, WhisperTask.TRANSCRIBE);
    }

    /** As {@link #prompt(int[], boolean, String, WhisperTask)}, to transcribe. */
    public int[] prompt(int[] previous, boolean timestamps, String language) {
        return prompt(previous, timestamps, language, WhisperTask.TRANSCRIBE);
    }

    /**
     * The prompt with previous text, as openai's and transformers' prompts are made: {@code <|startofprev|>}, the
     * last tokens of {@code previous} (at most half the decoder's context, less one), then
     * {@code <|startoftranscript|> [<|lang|> <|task|>] [<|notimestamps|>]}. Without previous tokens it is the
     * transcription prompt alone. English-only models take no language and no task.
     *
     * @param previous text tokens that came before this audio, for the decoder to carry on from
     * @param language the audio's language code (multilingual models); null or blank for English
     */
    public int[] prompt(int[] previous, boolean timestamps, String language, WhisperTask task) {
        List<Integer> prompt = new ArrayList<>();
        if (previous.length > 0) {
            prompt.add(startOfPrevious);
            int kept = Math.min(previous.length, config.maxLength() / 2 - 1);
            for (int i = previous.length - kept; i < previous.length; i++) {
                prompt.add(previous[i]);
            }
        }
        prompt.add(config.decoderStartTokenId());
        if (config.multilingual()) {
            prompt.add(languageToken(language == null || language.isBlank() ? "en" : language));
            Integer taskToken = config.taskToId().get(task.tokenName());
            prompt.add(taskToken != null ? taskToken
                    : task == WhisperTask.TRANSCRIBE ? model.tokenizer().transcribe() : model.tokenizer().translate());
        }
        if (!timestamps) {
            prompt.add(config.noTimestampsTokenId());
        }
        return prompt.stream().mapToInt(Integer::intValue).toArray();
    }

    private int languageToken(String code) {
        Integer token = config.langToId().get("<|" + code + "|>");
        if (token == null) {
            throw new ModelException("model " + model.name() + " has no language '" + code + "'");
        }
        return token;
    }

    /**
     * The language of each window of a batch, as openai's and faster-whisper's detect_language tell it: the
     * decoder's scores after {@code <|startoftranscript|>} alone, their softmax over the candidates' language
     * tokens, the likeliest taken (the first of equal ones).
     *
     * @param candidates language codes to choose among, all the model has
     */
    public List<LanguageDetection> detectLanguage(WhisperEncoder.EncoderOutput encoded, List<String> candidates) {
        int[] tokens = candidates.stream().mapToInt(this::languageToken).toArray();
        int[][] sequences = new int[encoded.batch()][];
        Arrays.fill(sequences, new int[] {config.decoderStartTokenId()});
        List<LanguageDetection> detections = new ArrayList<>(encoded.batch());
        try (FullSteps steps = new FullSteps(encoded)) {
            for (float[] scores : steps.next(sequences, 1)) {
                double max = Double.NEGATIVE_INFINITY;
                for (int token : tokens) {
                    max = Math.max(max, scores[token]);
                }
                double sum = 0;
                for (int token : tokens) {
                    sum += Math.exp(scores[token] - max);
                }
                Map<String, Double> probabilities = new HashMap<>();
                int best = 0;
                for (int i = 0; i < tokens.length; i++) {
                    probabilities.put(candidates.get(i), Math.exp(scores[tokens[i]] - max) / sum);
                    if (scores[tokens[i]] > scores[tokens[best]]) {
                        best = i;
                    }
                }
                detections.add(new LanguageDetection(candidates.get(best), probabilities.get(candidates.get(best)),
                        probabilities));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("decoder of " + model.name() + " failed: " + e.getMessage(), e);
        }
        return detections;
    }

    /** The model's language codes, in its token order. */
    public List<String> languages() {
        return config.langToId().entrySet().stream().sorted(Map.Entry.comparingByValue())
                .map(e -> e.getKey().substring(2, e.getKey().length() - 2)).toList();
    }

    /** Whether the model knows languages other than English, and can translate. */
    public boolean multilingual() {
        return config.multilingual();
    }

    /** Decodes the one window {@code encoded} holds. */
    public Result decode(WhisperEncoder.EncoderOutput encoded, int[] prompt, boolean timestamps, int maxNewTokens,
                         boolean useCache) {
        if (encoded.batch() != 1) {
            throw new IllegalArgumentException("decode takes one window, not " + encoded.batch() + "; see decodeBatch");
        }
        return decodeBatch(encoded, List.of(prompt), timestamps, maxNewTokens, useCache).get(0);
    }

    /**
     * Decodes every window of an encoder batch, each from its prompt, in one decoder run per step. Each sequence
     * ends on its own; one that has ended is fed end-of-text while the others go on, and what the decoder makes of
     * it is ignored.
     *
     * @param prompts one per window, all of one length (the graphs take no attention mask)
     * @return one result per window, in the batch's order
     */
    public List<Result> decodeBatch(WhisperEncoder.EncoderOutput encoded, List<int[]> prompts, boolean timestamps,
                                    int maxNewTokens, boolean useCache) {
        return decodeBatch(encoded, prompts, timestamps, maxNewTokens, useCache, Sampling.GREEDY);
    }

    /**
     * How each next token is chosen: the likeliest (temperature 0), or drawn from the scores' softmax at a
     * temperature, by a generator seeded for the decoding, so that the same window gives the same text again.
     */
    public record Sampling(double temperature, long seed) {
        public static final Sampling GREEDY = new Sampling(0, 0);

        public Sampling {
            if (!(temperature >= 0)) {
                throw new IllegalArgumentException("a temperature is 0 or more, not " + temperature);
            }
        }
    }

    /** As {@link #decodeBatch(WhisperEncoder.EncoderOutput, List, boolean, int, boolean)}, choosing by {@code sampling}. */
    public List<Result> decodeBatch(WhisperEncoder.EncoderOutput encoded, List<int[]> prompts, boolean timestamps,
                                    int maxNewTokens, boolean useCache, Sampling sampling) {
        if (prompts.size() != encoded.batch()) {
            throw new IllegalArgumentException(encoded.batch() + " windows but " + prompts.size() + " prompts");
        }
        int promptLength = prompts.get(0).length;
        if (prompts.stream().anyMatch(prompt -> prompt.length != promptLength)) {
            throw new IllegalArgumentException("the prompts of one batch must be of one length");
        }
        List<LogitsFilter> filters = new ArrayList<>();
        // transformers' order: the timestamp rules' probability-mass test sees the suppressed scores.
        filters.add(new SuppressTokensAtBegin(config.beginSuppressTokens()));
        filters.add(new SuppressTokens(config.suppressTokens()));
        if (timestamps) {
            filters.add(new TimestampRules(config));
        }
        int limit = Math.min(promptLength + maxNewTokens, config.maxLength());
        long started = System.nanoTime();
        List<Result> results = run(encoded, prompts, filters, limit, useCache, sampling);
        DECODER_TIME.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        DECODED_TOKENS.increment(results.stream().mapToInt(r -> r.tokens().length - promptLength).sum());
        return results;
    }

    private List<Result> run(WhisperEncoder.EncoderOutput encoded, List<int[]> prompts, List<LogitsFilter> filters,
                             int limit, boolean useCache, Sampling sampling) {
        Random random = new Random(sampling.seed());
        int batch = encoded.batch();
        int promptLength = prompts.get(0).length;
        int[][] sequences = new int[batch][];
        double[] sumLogprob = new double[batch];
        double[] noSpeechProb = new double[batch];
        // The length at which each sequence took end-of-text; 0 while it goes on.
        int[] endedAt = new int[batch];
        // Where <|startoftranscript|> is: its row predicts what follows it, the no-speech token among others.
        int[] startOfTranscript = new int[batch];
        for (int item = 0; item < batch; item++) {
            sequences[item] = Arrays.copyOf(prompts.get(item), limit);
            startOfTranscript[item] = indexOf(prompts.get(item), config.decoderStartTokenId());
        }
        Arrays.fill(noSpeechProb, Double.NaN);
        int length = promptLength;
        int running = batch;
        try (Steps steps = useCache ? new CachedSteps(encoded) : new FullSteps(encoded)) {
            while (length < limit && running > 0) {
                float[][] scores = steps.next(sequences, length);
                for (int item = 0; item < batch; item++) {
                    if (endedAt[item] > 0) {
                        sequences[item][length] = config.eosTokenId();
                        continue;
                    }
                    if (length == promptLength) {
                        noSpeechProb[item] = Math.exp(logSoftmaxAt(
                                steps.firstStepRow(item, startOfTranscript[item]), noSpeechToken));
                    }
                    for (LogitsFilter filter : filters) {
                        filter.apply(sequences[item], length, promptLength, scores[item]);
                    }
                    int best = sampling.temperature() == 0 ? argmax(scores[item])
                            : sample(scores[item], sampling.temperature(), random);
                    sumLogprob[item] += logSoftmaxAt(scores[item], best);
                    sequences[item][length] = best;
                    if (best == config.eosTokenId()) {
                        endedAt[item] = length + 1;
                        running--;
                    }
                }
                length++;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("decoder of " + model.name() + " failed: " + e.getMessage(), e);
        }
        List<Result> results = new ArrayList<>(batch);
        for (int item = 0; item < batch; item++) {
            boolean endOfText = endedAt[item] > 0;
            results.add(new Result(Arrays.copyOf(sequences[item], endOfText ? endedAt[item] : length), promptLength,
                    sumLogprob[item], endOfText, noSpeechProb[item]));
        }
        return results;
    }

    private static int indexOf(int[] prompt, int token) {
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] == token) {
                return i;
            }
        }
        throw new IllegalArgumentException("a prompt without <|startoftranscript|>: " + Arrays.toString(prompt));
    }

    /** torch.argmax's choice: the first of equal maxima. */
    private static int argmax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * A token drawn from softmax(scores / temperature), as torch's Categorical(logits=scores / temperature) draws it;
     * a suppressed token (negative infinity) never.
     */
    private static int sample(float[] scores, double temperature, Random random) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double[] cumulative = new double[scores.length];
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            sum += Math.exp((scores[i] - max) / temperature);
            cumulative[i] = sum;
        }
        double drawn = random.nextDouble() * sum;
        int index = Arrays.binarySearch(cumulative, drawn);
        // Not found, as it mostly is: the first whose cumulative weight is above the draw.
        return Math.min(index >= 0 ? index + 1 : -index - 1, scores.length - 1);
    }

    private static double logSoftmaxAt(float[] scores, int index) {
        double max = scores[index];
        double sum = 0;
        for (float s : scores) {
            sum += Math.exp(s - max);
        }
        return -Math.log(sum);
    }

    /** The next token's scores for every sequence of the batch, given the sequences so far. */
    private interface Steps extends AutoCloseable {
        /** @return {@code [item][vocab]} */
        float[][] next(int[][] sequences, int length) throws OrtException;

        /** The first step's scores of one sequence at a prompt position, as the decoder gave them. */
        float[] firstStepRow(int item, int position);

        @Override
        void close();
    }

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

    private static float[][] lastRows(OrtSession.Result result) {
        long[] shape = logits(result).getInfo().getShape();
        float[][] rows = new float[(int) shape[0]][];
        for (int item = 0; item < rows.length; item++) {
            rows[item] = row(result, item, (int) shape[1] - 1);
        }
        return rows;
    }

    private static float[] row(OrtSession.Result result, int item, int position) {
        OnnxTensor logits = logits(result);
        long[] shape = logits.getInfo().getShape();
        int vocab = (int) shape[2];
        FloatBuffer all = logits.getFloatBuffer();
        float[] row = new float[vocab];
        all.position((item * (int) shape[1] + position) * vocab);
        all.get(row);
        return row;
    }

    private static OnnxTensor logits(OrtSession.Result result) {
        return (OnnxTensor) result.get("logits").orElseThrow();
    }

    /** Re-runs the decoder over the whole sequence at every step. */
    private final class FullSteps implements Steps {
        private final WhisperEncoder.EncoderOutput encoded;
        private final Map<String, OnnxTensor> emptyPast = new HashMap<>();
        /** {@code [item][position][vocab]}: the results are closed after each step, the first step's rows are kept. */
        private float[][][] firstStep;

        FullSteps(WhisperEncoder.EncoderOutput encoded) {
            this.encoded = encoded;
        }

        @Override
        public float[][] next(int[][] sequences, int length) throws OrtException {
            try (OnnxTensor ids = ids(sequences, 0, length);
                 OrtSession.Result result = model.decoderSession().run(wholeSequenceInputs(ids, encoded, emptyPast))) {
                if (firstStep == null) {
                    firstStep = new float[sequences.length][length][];
                    for (int item = 0; item < sequences.length; item++) {
                        for (int position = 0; position < length; position++) {
                            firstStep[item][position] = row(result, item, position);
                        }
                    }
                }
                return lastRows(result);
            }
        }

        @Override
        public float[] firstStepRow(int item, int position) {
            return firstStep[item][position];
        }

        @Override
        public void close() {
            emptyPast.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Inputs for a run over the whole sequence without cache. The merged decoder also takes use_cache_branch false
     * and zero-length past tensors shaped as the graph declares them, made once per decoding and kept in
     * {@code cache}.
     */
    private Map<String, OnnxTensor> wholeSequenceInputs(OnnxTensor ids, WhisperEncoder.EncoderOutput encoded,
                                                        Map<String, OnnxTensor> cache) throws OrtException {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("input_ids", ids);
        inputs.put("encoder_hidden_states", encoded.hiddenStates());
        if (!model.merged()) {
            return inputs;
        }
        if (cache.isEmpty()) {
            OrtSession session = model.decoderSession();
            for (var entry : session.getInputInfo().entrySet()) {
                if (entry.getKey().startsWith("past_key_values.")) {
                    long[] shape = ((ai.onnxruntime.TensorInfo) entry.getValue().getInfo()).getShape();
                    cache.put(entry.getKey(), OnnxTensor.createTensor(OrtEnvironment.getEnvironment(),
                            FloatBuffer.allocate(0), new long[] {encoded.batch(), shape[1], 0, shape[3]}));
                }
            }
            cache.put("use_cache_branch", OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), new boolean[] {false}));
        }
        inputs.putAll(cache);
        return inputs;
    }

    /** Feeds the new token and the previous step's keys and values. */
    private final class CachedSteps implements Steps {
        private final WhisperEncoder.EncoderOutput encoded;
        private final Map<String, OnnxTensor> firstStepExtras = new HashMap<>();
        /** The first step's result: it holds the cross-attention keys/values every later step reuses. */
        private OrtSession.Result first;
        private OrtSession.Result previous;
        private OnnxTensor useCache;
        private int fed;

        CachedSteps(WhisperEncoder.EncoderOutput encoded) {
            this.encoded = encoded;
        }

        @Override
        public float[][] next(int[][] sequences, int length) throws OrtException {
            if (first == null) {
                try (OnnxTensor ids = ids(sequences, 0, length)) {
                    first = model.decoderSession().run(wholeSequenceInputs(ids, encoded, firstStepExtras));
                }
                fed = length;
                return lastRows(first);
            }
            OrtSession.Result last = previous == null ? first : previous;
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try (OnnxTensor ids = ids(sequences, fed, length)) {
                inputs.put("input_ids", ids);
                for (int layer = 0; layer < model.decoderLayers(); layer++) {
                    for (String kind : new String[] {"key", "value"}) {
                        inputs.put("past_key_values." + layer + ".decoder." + kind, tensor(last, "present." + layer + ".decoder." + kind));
                        inputs.put("past_key_values." + layer + ".encoder." + kind, tensor(first, "present." + layer + ".encoder." + kind));
                    }
                }
                OrtSession session = model.merged() ? model.decoderSession() : model.decoderWithPastSession();
                if (model.merged()) {
                    if (useCache == null) {
                        useCache = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), new boolean[] {true});
                    }
                    inputs.put("use_cache_branch", useCache);
                    inputs.put("encoder_hidden_states", encoded.hiddenStates());
                }
                OrtSession.Result result = session.run(inputs);
                if (previous != null) {
                    previous.close();
                }
                previous = result;
                fed = length;
                return lastRows(result);
            }
        }

        @Override
        public float[] firstStepRow(int item, int position) {
            return row(first, item, position);
        }

        private OnnxTensor tensor(OrtSession.Result result, String name) {
            OnnxValue value = result.get(name).orElseThrow(() -> new ModelException(
                    "decoder of " + model.name() + " gives no output " + name));
            return (OnnxTensor) value;
        }

        @Override
        public void close() {
            for (AutoCloseable resource : new AutoCloseable[] {previous, first, useCache}) {
                if (resource != null) {
                    try {
                        resource.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot release decoder tensors", e);
                    }
                }
            }
            firstStepExtras.values().forEach(OnnxTensor::close);
        }
    }
}
