package io.sensorium.processors.speech.whisper;

import ai.onnxruntime.OrtException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.sensorium.processors.onnx.ModelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
    /** Memory for the cached steps' outputs, a set for each decoding that runs at a time. */
    private final StepBuffers.Pool stepBuffers = new StepBuffers.Pool();

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
     * @param prefixLength how many after the prompt were a forced prefix, not chosen by the decoder
     * @param sumLogprob   sum of the log-probabilities of the chosen tokens (end-of-text included)
     * @param endOfText    whether decoding stopped at end-of-text rather than at the length limit
     * @param noSpeechProb the probability of the no-speech token right after {@code <|startoftranscript|>}, before
     *                     any rule shapes the scores (openai's no_speech_prob); NaN after a forced prefix, which
     *                     says there is speech
     */
    public record Result(int[] tokens, int promptLength, int prefixLength, double sumLogprob, boolean endOfText,
                         double noSpeechProb) {
        public Result(int[] tokens, int promptLength, double sumLogprob, boolean endOfText, double noSpeechProb) {
            this(tokens, promptLength, 0, sumLogprob, endOfText, noSpeechProb);
        }

        /** The transcript's tokens, the forced prefix included: without the prompt and the end-of-text token. */
        public int[] generated() {
            int end = endOfText ? tokens.length - 1 : tokens.length;
            return Arrays.copyOfRange(tokens, promptLength, end);
        }

        /** How many tokens the decoder chose, end-of-text included: the prefix's are not its choice. */
        public int sampled() {
            return tokens.length - promptLength - prefixLength;
        }

        /** openai's avg_logprob: the sum over the chosen tokens, divided by their count (end-of-text left out) plus one. */
        public double avgLogprob() {
            return sumLogprob / (generated().length - prefixLength + 1);
        }
    }

    /** The prompt for transcription: {@code <|startoftranscript|> [<|lang|> <|transcribe|>] [<|notimestamps|>]}. */
    public int[] prompt(boolean timestamps, String language) {
        return prompt(new int[0], new int[0], timestamps, language, WhisperTask.TRANSCRIBE);
    }

    /** As {@link #prompt(int[], int[], boolean, String, WhisperTask)}, to transcribe, without hotwords. */
    public int[] prompt(int[] previous, boolean timestamps, String language) {
        return prompt(new int[0], previous, timestamps, language, WhisperTask.TRANSCRIBE);
    }

    /**
     * The prompt with hotwords and previous text, as faster-whisper's get_prompt makes it (openai's and transformers'
     * without hotwords): {@code <|startofprev|>}, the hotwords and the last tokens of {@code previous} (each at most
     * half the decoder's context, less one), then {@code <|startoftranscript|> [<|lang|> <|task|>]
     * [<|notimestamps|>]}. Without either it is the transcription prompt alone. English-only models take no language
     * and no task.
     *
     * @param hotwords tokens of words to look out for
     * @param previous tokens that came before this audio, for the decoder to carry on from
     * @param language the audio's language code (multilingual models); null or blank for English
     */
    public int[] prompt(int[] hotwords, int[] previous, boolean timestamps, String language, WhisperTask task) {
        List<Integer> prompt = new ArrayList<>();
        int most = mostPreviousTokens();
        if (previous.length > 0 || hotwords.length > 0) {
            prompt.add(startOfPrevious);
            for (int i = 0; i < Math.min(hotwords.length, most); i++) {
                prompt.add(hotwords[i]);
            }
            for (int i = previous.length - Math.min(previous.length, most); i < previous.length; i++) {
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

    /** The most tokens of previous text (and of hotwords) a prompt carries: half the decoder's context, less one. */
    public int mostPreviousTokens() {
        return config.maxLength() / 2 - 1;
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
        try (DecoderSteps steps = DecoderSteps.open(model, encoded, false, 0, stepBuffers)) {
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
        return decodeBatch(encoded, prompts, Collections.nCopies(prompts.size(), new int[0]), timestamps, maxNewTokens,
                useCache, sampling);
    }

    /**
     * As {@link #decodeBatch(WhisperEncoder.EncoderOutput, List, boolean, int, boolean, Sampling)}, each transcript
     * forced to begin with its prefix (openai's {@code prefix}): the decoder takes the prefix in with the prompt, in
     * the first step, and chooses only what follows; the timestamp rules hold the prefix's timestamps as chosen.
     *
     * @param prefixes one per window, all of one length; each its timestamps and text tokens, as Whisper writes them
     */
    public List<Result> decodeBatch(WhisperEncoder.EncoderOutput encoded, List<int[]> prompts, List<int[]> prefixes,
                                    boolean timestamps, int maxNewTokens, boolean useCache, Sampling sampling) {
        int promptLength = checkPrompts(encoded, prompts);
        int prefixLength = prefixes.get(0).length;
        if (prefixes.size() != prompts.size() || prefixes.stream().anyMatch(prefix -> prefix.length != prefixLength)) {
            throw new IllegalArgumentException("a batch takes one prefix per window, all of one length");
        }
        int limit = Math.min(promptLength + maxNewTokens, config.maxLength());
        if (promptLength + prefixLength >= limit) {
            throw new IllegalArgumentException("a prefix of " + prefixLength + " tokens leaves no room to decode within "
                    + limit + " tokens");
        }
        long started = System.nanoTime();
        List<Result> results = run(encoded, prompts, prefixes, filters(timestamps), limit, useCache, sampling);
        measured(started, results, promptLength + prefixLength);
        return results;
    }

    /**
     * Beam search's settings (faster-whisper's names).
     *
     * @param size          beams per window (1: greedy decoding)
     * @param patience      the search stops once it holds {@code round(size x patience)} finished hypotheses
     * @param lengthPenalty a finished hypothesis scores its log-probability over its length to this power
     * @param earlyStopping the search stops as soon as it holds them, as faster-whisper's (CTranslate2's) and
     *                      openai-whisper's do; false: only once no beam can beat them either, as transformers'
     *                      {@code generate(num_beams=size)} (its early_stopping=False; patience 1)
     */
    public record Beams(int size, double patience, double lengthPenalty, boolean earlyStopping) {
        public Beams {
            if (size < 1) {
                throw new IllegalArgumentException("a beam search has 1 beam or more, not " + size);
            }
            if (!(patience > 0) || Double.isInfinite(patience)) {
                throw new IllegalArgumentException("a beam search's patience is more than 0, not " + patience);
            }
        }
    }

    /**
     * Decodes every window of an encoder batch by beam search ({@link BeamSearch}), all windows' beams in one decoder
     * run per step, with the KV cache.
     *
     * @param prompts one per window, all of one length
     * @return each window's best hypothesis, in the batch's order
     */
    public List<Result> decodeBeams(WhisperEncoder.EncoderOutput encoded, List<int[]> prompts, boolean timestamps,
                                    int maxNewTokens, Beams beams) {
        int promptLength = checkPrompts(encoded, prompts);
        int limit = Math.min(promptLength + maxNewTokens, config.maxLength());
        long started = System.nanoTime();
        List<Result> results = new ArrayList<>(prompts.size());
        try (WhisperEncoder.EncoderOutput rows = encoded.repeatedEach(beams.size());
             DecoderSteps steps = DecoderSteps.open(model, rows, true, startOfTranscript(prompts), stepBuffers)) {
            List<BeamSearch.Hypothesis> best = new BeamSearch(filters(timestamps), config.eosTokenId(), limit, beams)
                    .search(steps, prompts);
            for (int w = 0; w < prompts.size(); w++) {
                BeamSearch.Hypothesis hypothesis = best.get(w);
                results.add(new Result(hypothesis.tokens(), promptLength, hypothesis.sumLogprob(),
                        hypothesis.endOfText(), noSpeechProb(steps, w * beams.size(), prompts.get(w))));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("decoder of " + model.name() + " failed: " + e.getMessage(), e);
        }
        measured(started, results, promptLength);
        return results;
    }

    /** @return the prompts' one length */
    private static int checkPrompts(WhisperEncoder.EncoderOutput encoded, List<int[]> prompts) {
        if (prompts.size() != encoded.batch()) {
            throw new IllegalArgumentException(encoded.batch() + " windows but " + prompts.size() + " prompts");
        }
        int promptLength = prompts.get(0).length;
        if (prompts.stream().anyMatch(prompt -> prompt.length != promptLength)) {
            throw new IllegalArgumentException("the prompts of one batch must be of one length");
        }
        return promptLength;
    }

    /** transformers' order: the timestamp rules' probability-mass test sees the suppressed scores. */
    private List<LogitsFilter> filters(boolean timestamps) {
        List<LogitsFilter> filters = new ArrayList<>();
        filters.add(new SuppressTokensAtBegin(config.beginSuppressTokens()));
        filters.add(new SuppressTokens(config.suppressTokens()));
        if (timestamps) {
            filters.add(new TimestampRules(config));
        }
        return filters;
    }

    private void measured(long started, List<Result> results, int promptLength) {
        DECODER_TIME.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        DECODED_TOKENS.increment(results.stream().mapToInt(r -> r.tokens().length - promptLength).sum());
    }

    /** openai's no_speech_prob: of the no-speech token, in the first step's scores after <|startoftranscript|>. */
    private double noSpeechProb(DecoderSteps steps, int row, int[] prompt) {
        float[] scores = steps.firstStepRow(row, indexOf(prompt, config.decoderStartTokenId()));
        return Math.exp(LogSumExp.logSoftmaxAt(scores, noSpeechToken));
    }

    private List<Result> run(WhisperEncoder.EncoderOutput encoded, List<int[]> prompts, List<int[]> prefixes,
                             List<LogitsFilter> filters, int limit, boolean useCache, Sampling sampling) {
        Random random = new Random(sampling.seed());
        int batch = encoded.batch();
        int promptLength = prompts.get(0).length;
        int prefixLength = prefixes.get(0).length;
        int[][] sequences = new int[batch][];
        double[] sumLogprob = new double[batch];
        double[] noSpeechProb = new double[batch];
        // The length at which each sequence took end-of-text; 0 while it goes on.
        int[] endedAt = new int[batch];
        for (int item = 0; item < batch; item++) {
            sequences[item] = Arrays.copyOf(prompts.get(item), limit);
            System.arraycopy(prefixes.get(item), 0, sequences[item], promptLength, prefixLength);
        }
        Arrays.fill(noSpeechProb, Double.NaN);
        int start = promptLength + prefixLength;
        int length = start;
        int running = batch;
        // After a prefix only the last position's scores are wanted: the no-speech probability is not.
        int firstStepFrom = prefixLength == 0 ? startOfTranscript(prompts) : start - 1;
        try (DecoderSteps steps = DecoderSteps.open(model, encoded, useCache, firstStepFrom, stepBuffers)) {
            while (length < limit && running > 0) {
                float[][] scores = steps.next(sequences, length);
                for (int item = 0; item < batch; item++) {
                    if (endedAt[item] > 0) {
                        sequences[item][length] = config.eosTokenId();
                        continue;
                    }
                    if (length == promptLength) {
                        noSpeechProb[item] = noSpeechProb(steps, item, prompts.get(item));
                    }
                    for (LogitsFilter filter : filters) {
                        filter.apply(sequences[item], length, promptLength, scores[item]);
                    }
                    boolean greedy = sampling.temperature() == 0;
                    int next = greedy ? argmax(scores[item]) : sample(scores[item], sampling.temperature(), random);
                    // A greedy choice is the row's largest score: no pass to find that.
                    float max = greedy ? scores[item][next] : LogSumExp.max(scores[item]);
                    sumLogprob[item] += LogSumExp.logSoftmaxAt(scores[item], next, max);
                    sequences[item][length] = next;
                    if (next == config.eosTokenId()) {
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
                    prefixLength, sumLogprob[item], endOfText, noSpeechProb[item]));
        }
        return results;
    }

    /** The first position of the prompts' <|startoftranscript|>: the first step's scores from there on are needed. */
    private int startOfTranscript(List<int[]> prompts) {
        return prompts.stream().mapToInt(prompt -> indexOf(prompt, config.decoderStartTokenId())).min().orElseThrow();
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
}
