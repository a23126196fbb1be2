package io.sensorium.processors.speech.whisper;

import io.sensorium.processors.onnx.ModelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.Deflater;

/**
 * Transcribes 30 s windows — one, or several ready at the same moment (of different streams) in one encoder run and
 * one decoder run per step — and cuts each result into segments the way openai/whisper's transcribe does, including
 * where the next window of its stream should start (its seek). Holds no state between windows, so one transcriber
 * serves any number of streams and threads.
 */
public final class WhisperTranscriber {
    /** Mel frames per second (10 ms hop). */
    public static final int FRAMES_PER_SECOND = 100;
    /** openai's default sample_len: half the decoder's 448-token context. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 224;
    private static final String ENGLISH = "en";
    /** One beam: greedy decoding. */
    public static final WhisperDecoder.Beams GREEDY = new WhisperDecoder.Beams(1, 1.0, 1.0, true);
    /** Mel frames per timestamp step (0.02 s): the encoder halves the frame rate. */
    private static final int FRAMES_PER_TIMESTAMP = 2;
    static final double SECONDS_PER_TIMESTAMP = 0.02;

    private final WhisperModel model;
    private final WhisperEncoder encoder;
    private final WhisperDecoder decoder;
    private final boolean timestamps;
    private final LanguageChoice languages;
    /** The languages detection chooses among: the user's set, else all the model's. */
    private final List<String> candidates;
    private final WhisperTask task;
    private final int maxNewTokens;
    private final TemperatureFallback fallback;
    private final WhisperDecoder.Beams beams;
    private final int[] hotwords;
    /** Finds the words' times, of whole windows and live buffers alike; null where they are not asked for. */
    private final WordTimestamps words;

    /**
     * @param timestamps   decode with timestamps (segments at Whisper's own cuts) or without (one segment a window)
     * @param languages    the language pinned, or those a window of unknown language is detected among
     * @param task         transcribe, or translate into English (multilingual models only)
     * @param maxNewTokens most tokens decoded per window
     * @param fallback     the temperatures a whole window is decoded at until its text passes, and the no-speech
     *                     rule that gives no text for a window taken for silence
     * @param beams        how a whole window is decoded at temperature 0: by beam search, or greedily (one beam)
     * @param hotwords     words to look out for, in every window's prompt (faster-whisper's hotwords); blank for none
     * @param wordTimes    find each word's time (openai's word_timestamps), in whole windows and live buffers; needs a
     *                     model whose decoder gives its alignment heads' attention (converted by models/convert)
     */
    public WhisperTranscriber(WhisperModel model, boolean timestamps, LanguageChoice languages, WhisperTask task,
                              int maxNewTokens, TemperatureFallback fallback, WhisperDecoder.Beams beams,
                              String hotwords, boolean wordTimes) {
        this.model = model;
        this.encoder = new WhisperEncoder(model);
        this.decoder = new WhisperDecoder(model);
        this.timestamps = timestamps;
        this.task = task;
        this.maxNewTokens = maxNewTokens;
        this.fallback = fallback;
        this.beams = beams;
        this.hotwords = hotwords.isBlank() ? new int[0] : model.tokenizer().encode(" " + hotwords.strip());
        this.words = wordTimes ? new WordTimestamps(model, decoder) : null;
        if (decoder.multilingual()) {
            List<String> known = decoder.languages();
            for (String code : languages.codes()) {
                if (!known.contains(code)) {
                    throw new ModelException("model " + model.name() + " has no language '" + code + "'; it has "
                            + String.join(",", known));
                }
            }
            this.languages = languages;
            this.candidates = languages.codes().isEmpty() ? known : languages.codes();
        } else {
            if (!languages.codes().isEmpty() && !languages.codes().equals(List.of(ENGLISH))) {
                throw new ModelException("model " + model.name() + " is English-only: it cannot take language '"
                        + languages + "'; use a multilingual model (models pull base)");
            }
            if (task != WhisperTask.TRANSCRIBE) {
                throw new ModelException("model " + model.name() + " is English-only: it cannot translate; use a"
                        + " multilingual model (models pull base)");
            }
            this.languages = new LanguageChoice(List.of(ENGLISH));
            this.candidates = List.of(ENGLISH);
        }
    }

    /** A transcriber in the language detected among all (English for English-only models), decoding greedily. */
    public WhisperTranscriber(WhisperModel model, boolean timestamps, int maxNewTokens, TemperatureFallback fallback) {
        this(model, timestamps, LanguageChoice.AUTO, WhisperTask.TRANSCRIBE, maxNewTokens, fallback, GREEDY, "", false);
    }

    /**
     * A transcript segment.
     *
     * @param start  seconds from the window's start
     * @param end    seconds from the window's start
     * @param tokens  its text tokens: no timestamps, no special tokens
     * @param context its tokens as a later window's prompt takes them: timestamps included (openai's and
     *                faster-whisper's segment tokens)
     * @param words   its words with their times (seconds from the window's start), where word times are asked
     *                for; null otherwise
     */
    public record Segment(double start, double end, int[] tokens, int[] context, List<WordTimestamps.Word> words) {
        Segment withWords(List<WordTimestamps.Word> found) {
            return new Segment(start, end, tokens, context, List.copyOf(found));
        }
    }

    /**
     * @param segments      the window's segments with text, in order
     * @param advanceFrames how far the transcription moves on (Whisper's seek), 1 to the window's content frames
     * @param decoding      the decoder's result the segments were cut from
     * @param language      the language the window was decoded as
     * @param detection     how that language was detected in this window; null when it was given
     * @param temperature   the temperature of the decoding that stands (0: greedy or beam search)
     */
    public record WindowTranscript(List<Segment> segments, int advanceFrames, WhisperDecoder.Result decoding,
                                   String language, LanguageDetection detection, double temperature) {
        public double avgLogprob() {
            return decoding.avgLogprob();
        }
    }

    /**
     * One window to transcribe.
     *
     * @param frames         {@code [3000][melBins]} features, normalised as Whisper's feature extractor does
     * @param contentFrames  how many of the frames are the stream's (fewer than 3000 only at its end, or live)
     * @param encoderFrames  how many frames the encoder is given: 3000, or, for a model that
     *                       {@link WhisperModel#encodesShortInput() encodes short input}, an even number from
     *                       {@code contentFrames} up, for a fraction of the cost
     * @param previousTokens text tokens that came before the window, for the decoder's prompt; empty for none
     * @param prefix         tokens the window's transcript is known to begin with ({@link ForcedPrefix}), decoded as
     *                       given; empty for none (always, offline)
     * @param offline        a whole window of a file or topic, decoded by beam search (where the transcriber has more
     *                       than one beam) with the temperature fallback; false for a live buffer, decoded greedily
     *                       without fallback
     * @param language       the window's language, as its stream's first window was detected to be; null for the
     *                       transcriber's pinned language, or detection when it has none
     */
    public record Window(float[][] frames, int contentFrames, int encoderFrames, int[] previousTokens, int[] prefix,
                         boolean offline, String language) {
        public Window {
            if (frames.length != WhisperModel.WINDOW_FRAMES) {
                throw new IllegalArgumentException("a window has " + WhisperModel.WINDOW_FRAMES + " frames, not "
                        + frames.length);
            }
            if (contentFrames < 1 || contentFrames > encoderFrames || encoderFrames > WhisperModel.WINDOW_FRAMES) {
                throw new IllegalArgumentException("content frames " + contentFrames + " must be 1 to the encoder's "
                        + encoderFrames + ", which is at most " + WhisperModel.WINDOW_FRAMES);
            }
            if (offline && prefix.length > 0) {
                throw new IllegalArgumentException("a whole window is decoded without a prefix");
            }
        }

        /** A whole window, with no previous text: the offline case, by beam search with the temperature fallback. */
        public static Window whole(float[][] frames, int contentFrames) {
            return new Window(frames, contentFrames, WhisperModel.WINDOW_FRAMES, new int[0], new int[0], true, null);
        }

        /**
         * A live stream's buffer, decoded greedily without the fallback: a live buffer is transcribed again a moment
         * later anyway, and a text that repeats itself is left out, where five beams, or samples at five
         * temperatures, would hold up every stream behind it.
         */
        public static Window live(float[][] frames, int contentFrames, int encoderFrames, int[] previousTokens,
                                  int[] prefix) {
            return new Window(frames, contentFrames, encoderFrames, previousTokens, prefix, false, null);
        }

        /** The same window, after {@code tokens}: the stream's context, for its prompt. */
        public Window after(int[] tokens) {
            return new Window(frames, contentFrames, encoderFrames, tokens, prefix, offline, language);
        }

        /** The same window, in {@code language} (null: the transcriber's, pinned or detected). */
        public Window in(String language) {
            return new Window(frames, contentFrames, encoderFrames, previousTokens, prefix, offline, language);
        }
    }

    /** What windows must share to be transcribed in one batch: the graphs' input lengths, and how they are decoded. */
    public record BatchShape(int encoderFrames, int promptLength, int prefixLength, boolean beamSearch) {}

    public BatchShape shape(Window window) {
        return new BatchShape(window.encoderFrames(), prompt(window, ENGLISH).length, window.prefix().length,
                window.offline() && beams.size() > 1);
    }

    public WindowTranscript transcribeWindow(Window window) {
        return transcribeWindows(List.of(window)).get(0);
    }

    /**
     * Transcribes windows of one {@link #shape(Window) shape} in one encoder run and one decoder run per step. A
     * window encoded short whose decoding did not come to its end or repeats itself (openai's compression-ratio test)
     * is transcribed again whole: with little audio after the speech Whisper can loop on its last words.
     *
     * @return one transcript per window, in their order
     */
    public List<WindowTranscript> transcribeWindows(List<Window> windows) {
        BatchShape shape = shape(windows.get(0));
        for (Window window : windows) {
            if (!shape(window).equals(shape)) {
                throw new IllegalArgumentException("windows of shapes " + shape + " and " + shape(window)
                        + " cannot be transcribed in one batch");
            }
        }
        try (WhisperEncoder.EncoderOutput encoded = encoder.encode(windows.stream().map(this::encoderInput).toList())) {
            List<LanguageDetection> detected = windows.stream().anyMatch(window -> language(window) == null)
                    ? decoder.detectLanguage(encoded, candidates) : null;
            List<String> decodedIn = new ArrayList<>(windows.size());
            List<int[]> prompts = new ArrayList<>(windows.size());
            List<int[]> prefixes = windows.stream().map(Window::prefix).toList();
            for (int i = 0; i < windows.size(); i++) {
                String language = language(windows.get(i));
                decodedIn.add(language != null ? language : detected.get(i).language());
                prompts.add(prompt(windows.get(i), decodedIn.get(i)));
            }
            double first = fallback.temperatures().get(0);
            List<WhisperDecoder.Result> decodings = new ArrayList<>(first > 0
                    ? IntStream.range(0, windows.size())
                            .mapToObj(i -> sample(encoded, i, prompts.get(i), prefixes.get(i), first)).toList()
                    : shape.beamSearch() ? decoder.decodeBeams(encoded, prompts, timestamps, maxNewTokens, beams)
                    : decoder.decodeBatch(encoded, prompts, prefixes, timestamps, maxNewTokens, true,
                            WhisperDecoder.Sampling.GREEDY));
            List<WindowTranscript> transcripts = new ArrayList<>(decodings.size());
            for (int i = 0; i < decodings.size(); i++) {
                Window window = windows.get(i);
                TemperatureFallback.Attempt attempt = attempt(decodings.get(i), first);
                if (window.encoderFrames() < WhisperModel.WINDOW_FRAMES && looping(attempt.decoding())) {
                    try (WhisperEncoder.EncoderOutput whole = encoder.encode(window.frames())) {
                        attempt = attempt(decoder.decodeBatch(whole, List.of(prompts.get(i)), List.of(prefixes.get(i)),
                                timestamps, maxNewTokens, true, WhisperDecoder.Sampling.GREEDY).get(0), 0);
                    }
                } else if (window.offline()) {
                    attempt = withFallback(encoded, i, prompts.get(i), attempt);
                }
                LanguageDetection detection = language(window) == null ? detected.get(i) : null;
                WindowTranscript transcript = segments(attempt.decoding(), window.contentFrames(), decodedIn.get(i),
                        detection, attempt.temperature());
                transcripts.add(words != null ? withWords(transcript, encoded, i, window) : transcript);
            }
            return transcripts;
        }
    }

    private WindowTranscript withWords(WindowTranscript transcript, WhisperEncoder.EncoderOutput encoded, int item,
                                       Window window) {
        List<List<WordTimestamps.Word>> found = words.words(encoded, item, transcript.segments(),
                transcript.language(), task, window.contentFrames());
        List<Segment> segments = new ArrayList<>();
        for (int s = 0; s < found.size(); s++) {
            segments.add(transcript.segments().get(s).withWords(found.get(s)));
        }
        return new WindowTranscript(segments, transcript.advanceFrames(), transcript.decoding(), transcript.language(),
                transcript.detection(), transcript.temperature());
    }

    /** The window's language where it is known without detection. */
    private String language(Window window) {
        return window.language() != null ? window.language() : languages.pinned();
    }

    /** The decoding that stands for a window whose decoding at the first temperature was {@code first}. */
    private TemperatureFallback.Attempt withFallback(WhisperEncoder.EncoderOutput encoded, int item, int[] prompt,
                                                     TemperatureFallback.Attempt first) {
        List<Double> temperatures = fallback.temperatures();
        List<TemperatureFallback.Attempt> attempts = new ArrayList<>();
        TemperatureFallback.Attempt attempt = first;
        for (int next = 1; ; next++) {
            attempts.add(attempt);
            if (!fallback.needsFallback(attempt)) {
                return attempt;
            }
            if (next == temperatures.size()) {
                return fallback.whenAllFail(attempts);
            }
            attempt = attempt(sample(encoded, item, prompt, new int[0], temperatures.get(next)), temperatures.get(next));
        }
    }

    private TemperatureFallback.Attempt attempt(WhisperDecoder.Result decoding, double temperature) {
        return new TemperatureFallback.Attempt(decoding, temperature, compressionRatio(decoding));
    }

    /**
     * The likeliest of the fallback's samples of one window of an encoder batch at a temperature, decoded together.
     * The generator is seeded by the temperature: the same window gives the same text in every run.
     */
    private WhisperDecoder.Result sample(WhisperEncoder.EncoderOutput encoded, int item, int[] prompt, int[] prefix,
                                         double temperature) {
        int samples = fallback.bestOf();
        try (WhisperEncoder.EncoderOutput copies = encoded.repeated(item, samples)) {
            return TemperatureFallback.likeliest(decoder.decodeBatch(copies, Collections.nCopies(samples, prompt),
                    Collections.nCopies(samples, prefix), timestamps, maxNewTokens, true,
                    new WhisperDecoder.Sampling(temperature, Double.doubleToLongBits(temperature))));
        }
    }

    private float[][] encoderInput(Window window) {
        float[][] frames = window.frames();
        return window.encoderFrames() == frames.length ? frames : Arrays.copyOf(frames, window.encoderFrames());
    }

    private int[] prompt(Window window, String language) {
        return decoder.prompt(hotwords, window.previousTokens(), timestamps, language, task);
    }

    /** The most tokens of previous text a window's prompt carries; more are cut from the front. */
    public int mostPreviousTokens() {
        return decoder.mostPreviousTokens();
    }

    /** Whether a transcript's text repeats itself: the fallback's compression-ratio test. */
    public boolean repetitive(WindowTranscript transcript) {
        return repetitive(transcript.decoding());
    }

    private boolean looping(WhisperDecoder.Result decoding) {
        return !decoding.endOfText() || repetitive(decoding);
    }

    private boolean repetitive(WhisperDecoder.Result decoding) {
        return compressionRatio(decoding) > fallback.compressionRatioThreshold();
    }

    /** faster-whisper's get_compression_ratio of the stripped text: its UTF-8 length over zlib's; 0 for none. */
    private double compressionRatio(WhisperDecoder.Result decoding) {
        byte[] text = model.tokenizer().decode(decoding.generated()).strip().getBytes(StandardCharsets.UTF_8);
        if (text.length == 0) {
            return 0;
        }
        Deflater deflater = new Deflater();
        deflater.setInput(text);
        deflater.finish();
        byte[] buffer = new byte[text.length + 64];
        int compressed = deflater.deflate(buffer);
        deflater.end();
        return (double) text.length / compressed;
    }

    /**
     * Splits a window's tokens at consecutive timestamp pairs, as openai/whisper's transcribe does: each pair closes
     * a segment. If the tokens end on a single timestamp the last segment is closed too and the whole window is
     * done; otherwise the last segment may be cut off, so it is dropped and the next window starts at the last
     * timestamp, to decode that speech again in full. Without any pair the window is one segment up to its last
     * timestamp (or its end). No segment reaches past the window's content. A window the no-speech rule takes for
     * silence has no segments and is done.
     */
    WindowTranscript segments(WhisperDecoder.Result decoding, int contentFrames, String language,
                              LanguageDetection detection, double temperature) {
        if (contentFrames < 1 || contentFrames > WhisperModel.WINDOW_FRAMES) {
            throw new IllegalArgumentException("content frames must be 1 to " + WhisperModel.WINDOW_FRAMES + ", not "
                    + contentFrames);
        }
        if (fallback.silence(decoding)) {
            return new WindowTranscript(List.of(), contentFrames, decoding, language, detection, temperature);
        }
        double contentEnd = (double) contentFrames / FRAMES_PER_SECOND;
        int[] tokens = decoding.generated();
        int timestampBegin = model.generationConfig().timestampBegin();
        int n = tokens.length;
        boolean singleTimestampEnding = n >= 2 && tokens[n - 2] < timestampBegin && tokens[n - 1] >= timestampBegin;
        List<Integer> cuts = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            if (tokens[i - 1] >= timestampBegin && tokens[i] >= timestampBegin) {
                cuts.add(i);
            }
        }
        List<Segment> segments = new ArrayList<>();
        if (cuts.isEmpty()) {
            double end = contentEnd;
            for (int i = n - 1; i >= 0; i--) {
                if (tokens[i] >= timestampBegin) {
                    if (tokens[i] != timestampBegin) {
                        end = (tokens[i] - timestampBegin) * SECONDS_PER_TIMESTAMP;
                    }
                    break;
                }
            }
            addSegment(segments, 0, end, tokens, contentEnd);
            return new WindowTranscript(segments, contentFrames, decoding, language, detection, temperature);
        }
        if (singleTimestampEnding) {
            cuts.add(n);
        }
        int last = 0;
        for (int cut : cuts) {
            int[] slice = Arrays.copyOfRange(tokens, last, cut);
            addSegment(segments, (slice[0] - timestampBegin) * SECONDS_PER_TIMESTAMP,
                    (slice[slice.length - 1] - timestampBegin) * SECONDS_PER_TIMESTAMP, slice, contentEnd);
            last = cut;
        }
        int advance = singleTimestampEnding ? contentFrames : (tokens[last - 1] - timestampBegin) * FRAMES_PER_TIMESTAMP;
        // A window whose only closed segment ends at <|0.00|> would be decoded again unchanged, forever: move on.
        return new WindowTranscript(segments, advance <= 0 ? contentFrames : Math.min(advance, contentFrames), decoding,
                language, detection, temperature);
    }

    /** Whisper may place timestamps in the silence it was padded with; the audio ends at {@code contentEnd}. */
    private void addSegment(List<Segment> segments, double start, double end, int[] slice, double contentEnd) {
        int eos = model.generationConfig().eosTokenId();
        int[] text = Arrays.stream(slice).filter(t -> t < eos).toArray();
        if (text.length > 0) {
            segments.add(new Segment(Math.min(start, contentEnd), Math.min(end, contentEnd), text, slice, null));
        }
    }
}
