package io.sensorium.processors.speech.whisper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
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
    /** Mel frames per timestamp step (0.02 s): the encoder halves the frame rate. */
    private static final int FRAMES_PER_TIMESTAMP = 2;
    private static final double SECONDS_PER_TIMESTAMP = 0.02;

    private final WhisperModel model;
    private final WhisperEncoder encoder;
    private final WhisperDecoder decoder;
    private final boolean timestamps;
    private final String language;
    private final int[] prompt;
    private final int maxNewTokens;
    private final TemperatureFallback fallback;

    /**
     * @param timestamps   decode with timestamps (segments at Whisper's own cuts) or without (one segment a window)
     * @param language     language code for multilingual models; ignored by English-only ones
     * @param maxNewTokens most tokens decoded per window
     * @param fallback     the temperatures a whole window is decoded at until its text passes, and the no-speech
     *                     rule that gives no text for a window taken for silence
     */
    public WhisperTranscriber(WhisperModel model, boolean timestamps, String language, int maxNewTokens,
                              TemperatureFallback fallback) {
        this.model = model;
        this.encoder = new WhisperEncoder(model);
        this.decoder = new WhisperDecoder(model);
        this.timestamps = timestamps;
        this.language = language;
        this.prompt = decoder.prompt(timestamps, language);
        this.maxNewTokens = maxNewTokens;
        this.fallback = fallback;
    }

    /**
     * A transcript segment.
     *
     * @param start  seconds from the window's start
     * @param end    seconds from the window's start
     * @param tokens its text tokens: no timestamps, no special tokens
     */
    public record Segment(double start, double end, int[] tokens) {}

    /**
     * @param segments      the window's segments with text, in order
     * @param advanceFrames how far the transcription moves on (Whisper's seek), 1 to the window's content frames
     * @param decoding      the decoder's result the segments were cut from
     */
    public record WindowTranscript(List<Segment> segments, int advanceFrames, WhisperDecoder.Result decoding) {
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
     * @param fallback       whether a text that fails the fallback's tests is decoded again at higher temperatures
     */
    public record Window(float[][] frames, int contentFrames, int encoderFrames, int[] previousTokens,
                         boolean fallback) {
        public Window {
            if (frames.length != WhisperModel.WINDOW_FRAMES) {
                throw new IllegalArgumentException("a window has " + WhisperModel.WINDOW_FRAMES + " frames, not "
                        + frames.length);
            }
            if (contentFrames < 1 || contentFrames > encoderFrames || encoderFrames > WhisperModel.WINDOW_FRAMES) {
                throw new IllegalArgumentException("content frames " + contentFrames + " must be 1 to the encoder's "
                        + encoderFrames + ", which is at most " + WhisperModel.WINDOW_FRAMES);
            }
        }

        /** A whole window, with no previous text: the offline case, with the temperature fallback. */
        public static Window whole(float[][] frames, int contentFrames) {
            return new Window(frames, contentFrames, WhisperModel.WINDOW_FRAMES, new int[0], true);
        }

        /**
         * A live stream's buffer. Without the fallback: a live buffer is transcribed again a moment later anyway,
         * and a text that repeats itself is left out, where samples at five temperatures would hold up every stream
         * behind it.
         */
        public static Window live(float[][] frames, int contentFrames, int encoderFrames, int[] previousTokens) {
            return new Window(frames, contentFrames, encoderFrames, previousTokens, false);
        }
    }

    /** What windows must share to be transcribed in one batch: the graphs' input lengths. */
    public record BatchShape(int encoderFrames, int promptLength) {}

    public BatchShape shape(Window window) {
        return new BatchShape(window.encoderFrames(), prompt(window).length);
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
        double first = fallback.temperatures().get(0);
        List<WhisperDecoder.Result> decodings = first == 0 ? decode(windows)
                : windows.stream().map(window -> sample(window, first)).toList();
        List<WindowTranscript> transcripts = new ArrayList<>(decodings.size());
        for (int i = 0; i < decodings.size(); i++) {
            Window window = windows.get(i);
            WhisperDecoder.Result decoding = decodings.get(i);
            if (window.encoderFrames() < WhisperModel.WINDOW_FRAMES && looping(decoding)) {
                Window whole = new Window(window.frames(), window.contentFrames(), WhisperModel.WINDOW_FRAMES,
                        window.previousTokens(), window.fallback());
                decoding = decode(List.of(whole)).get(0);
            }
            if (window.fallback()) {
                decoding = withFallback(window, decoding);
            }
            transcripts.add(segments(decoding, window.contentFrames()));
        }
        return transcripts;
    }

    /** The decoding that stands for a window whose decoding at the first temperature was {@code first}. */
    private WhisperDecoder.Result withFallback(Window window, WhisperDecoder.Result first) {
        List<Double> temperatures = fallback.temperatures();
        List<TemperatureFallback.Attempt> attempts = new ArrayList<>();
        TemperatureFallback.Attempt attempt = attempt(first, temperatures.get(0));
        for (int next = 1; ; next++) {
            attempts.add(attempt);
            if (!fallback.needsFallback(attempt)) {
                return attempt.decoding();
            }
            if (next == temperatures.size()) {
                return fallback.whenAllFail(attempts).decoding();
            }
            attempt = attempt(sample(window, temperatures.get(next)), temperatures.get(next));
        }
    }

    private TemperatureFallback.Attempt attempt(WhisperDecoder.Result decoding, double temperature) {
        return new TemperatureFallback.Attempt(decoding, temperature, compressionRatio(decoding));
    }

    /** Encodes and decodes windows of one shape together, greedily; no segmentation. */
    private List<WhisperDecoder.Result> decode(List<Window> windows) {
        List<int[]> prompts = new ArrayList<>(windows.size());
        for (Window window : windows) {
            prompts.add(prompt(window));
        }
        try (WhisperEncoder.EncoderOutput encoded = encoder.encode(windows.stream().map(this::encoderInput).toList())) {
            return decoder.decodeBatch(encoded, prompts, timestamps, maxNewTokens, true);
        }
    }

    /**
     * The likeliest of the fallback's samples of a window at a temperature, decoded together. The generator is
     * seeded by the temperature: the same window gives the same text in every run.
     */
    private WhisperDecoder.Result sample(Window window, double temperature) {
        int samples = fallback.bestOf();
        try (WhisperEncoder.EncoderOutput encoded = encoder.encode(List.<float[][]>of(encoderInput(window)));
             WhisperEncoder.EncoderOutput copies = encoded.repeated(0, samples)) {
            return TemperatureFallback.likeliest(decoder.decodeBatch(copies,
                    Collections.nCopies(samples, prompt(window)), timestamps, maxNewTokens, true,
                    new WhisperDecoder.Sampling(temperature, Double.doubleToLongBits(temperature))));
        }
    }

    private float[][] encoderInput(Window window) {
        float[][] frames = window.frames();
        return window.encoderFrames() == frames.length ? frames : Arrays.copyOf(frames, window.encoderFrames());
    }

    private int[] prompt(Window window) {
        return window.previousTokens().length == 0 ? prompt
                : decoder.prompt(window.previousTokens(), timestamps, language);
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
    WindowTranscript segments(WhisperDecoder.Result decoding, int contentFrames) {
        if (contentFrames < 1 || contentFrames > WhisperModel.WINDOW_FRAMES) {
            throw new IllegalArgumentException("content frames must be 1 to " + WhisperModel.WINDOW_FRAMES + ", not "
                    + contentFrames);
        }
        if (fallback.silence(decoding)) {
            return new WindowTranscript(List.of(), contentFrames, decoding);
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
            return new WindowTranscript(segments, contentFrames, decoding);
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
        return new WindowTranscript(segments, advance <= 0 ? contentFrames : Math.min(advance, contentFrames), decoding);
    }

    /** Whisper may place timestamps in the silence it was padded with; the audio ends at {@code contentEnd}. */
    private void addSegment(List<Segment> segments, double start, double end, int[] slice, double contentEnd) {
        int eos = model.generationConfig().eosTokenId();
        int[] text = Arrays.stream(slice).filter(t -> t < eos).toArray();
        if (text.length > 0) {
            segments.add(new Segment(Math.min(start, contentEnd), Math.min(end, contentEnd), text));
        }
    }
}
