package io.sensorium.processors.speech;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.processors.features.WhisperNormalization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

/**
 * Transcribes 30 s windows with one loaded Whisper model. Engines are shared per model directory within the JVM —
 * one ONNX Runtime session per model, used by every stream task (sessions are safe to run from several threads) —
 * and released when the last user closes its handle.
 */
public final class SpeechEngine implements AutoCloseable {
    public static final int WINDOW_FRAMES = WhisperModel.WINDOW_FRAMES;
    public static final int HOP_SAMPLES = 160;
    public static final int FRAMES_PER_SECOND = 100;
    /** Mel frames per timestamp step (0.02 s). */
    private static final int FRAMES_PER_TIMESTAMP = 2;
    private static final int MAX_NEW_TOKENS = 224;

    private static final Map<Path, Shared> LOADED = new HashMap<>();
    // Where inference time goes, for the operator's dashboards and for the benchmark's breakdown.
    private static final Timer ENCODER_TIME = Timer.builder("sensorium.speech.encoder").register(Metrics.globalRegistry);
    private static final Timer DECODER_TIME = Timer.builder("sensorium.speech.decoder").register(Metrics.globalRegistry);
    private static final Counter DECODED_TOKENS = Counter.builder("sensorium.speech.decoded.tokens").register(Metrics.globalRegistry);

    private final Shared shared;
    private final boolean timestamps;
    private final String language;
    private boolean closed;

    private SpeechEngine(Shared shared, boolean timestamps, String language) {
        this.shared = shared;
        this.timestamps = timestamps;
        this.language = language;
    }

    /** A handle on the model the configuration names, loading it unless this JVM already has it. */
    public static SpeechEngine open(SensoriumConfig.Speech speech) {
        Path dir = speech.model().toAbsolutePath().normalize();
        synchronized (LOADED) {
            Shared shared = LOADED.get(dir);
            if (shared == null) {
                shared = new Shared(WhisperModel.load(dir, speech.threads(), speech.device()));
                LOADED.put(dir, shared);
            }
            shared.users++;
            String language = speech.language() == null || speech.language().isBlank()
                    ? "en" : speech.language();
            return new SpeechEngine(shared, speech.timestamps(), language);
        }
    }

    private static final class Shared {
        final WhisperModel model;
        final WhisperEncoder encoder;
        final WhisperDecoder decoder;
        int users;

        Shared(WhisperModel model) {
            this.model = model;
            this.encoder = new WhisperEncoder(model);
            this.decoder = new WhisperDecoder(model);
        }
    }

    /** A transcript segment, times in seconds from the window's start. */
    public record Segment(double start, double end, int[] tokens) {}

    /**
     * @param segments      the window's segments
     * @param advanceFrames how far the stream's transcription moves on (Whisper's seek)
     * @param avgLogprob    the decoding's average log-probability
     */
    public record WindowTranscript(List<Segment> segments, int advanceFrames, double avgLogprob) {}

    /**
     * Transcribes a window of raw log-mel frames (normalised here, window-wide, as Whisper does).
     *
     * @param window        {@code [3000][melBins]} raw log10 frames; past the audio they are silence
     * @param contentFrames how many of the frames are the stream's (fewer than 3000 only at its end)
     */
    public WindowTranscript transcribe(float[][] window, int contentFrames) {
        WhisperNormalization.normalize(window);
        WhisperDecoder.Result result;
        long started = System.nanoTime();
        try (WhisperEncoder.EncoderOutput encoded = shared.encoder.encode(window)) {
            long encodedAt = System.nanoTime();
            ENCODER_TIME.record(encodedAt - started, TimeUnit.NANOSECONDS);
            result = shared.decoder.decode(encoded, shared.decoder.prompt(timestamps, language), timestamps,
                    MAX_NEW_TOKENS, true);
            DECODER_TIME.record(System.nanoTime() - encodedAt, TimeUnit.NANOSECONDS);
            DECODED_TOKENS.increment(result.tokens().length - result.promptLength());
        }
        return segments(result.generated(), contentFrames, result.avgLogprob());
    }

    /**
     * Splits a window's tokens at timestamp pairs, as openai/whisper's transcribe does: each pair closes a segment;
     * if the last segment is closed too (a single timestamp at the end), the whole window is done, otherwise the
     * next window starts at the last timestamp so the cut-off speech is decoded again in full.
     */
    WindowTranscript segments(int[] tokens, int contentFrames, double avgLogprob) {
        WhisperTokenizer tokenizer = shared.model.tokenizer();
        int n = tokens.length;
        boolean singleTimestampEnding = n >= 2 && !tokenizer.isTimestamp(tokens[n - 2]) && tokenizer.isTimestamp(tokens[n - 1]);
        List<Integer> cuts = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            if (tokenizer.isTimestamp(tokens[i - 1]) && tokenizer.isTimestamp(tokens[i])) {
                cuts.add(i);
            }
        }
        List<Segment> segments = new ArrayList<>();
        if (!cuts.isEmpty()) {
            if (singleTimestampEnding) {
                cuts.add(n);
            }
            int last = 0;
            for (int cut : cuts) {
                addSegment(segments, java.util.Arrays.copyOfRange(tokens, last, cut), tokenizer);
                last = cut;
            }
            int advance = singleTimestampEnding ? contentFrames
                    : (tokens[last - 1] - tokenizer.timestampBegin()) * FRAMES_PER_TIMESTAMP;
            return new WindowTranscript(segments, Math.max(1, Math.min(advance, contentFrames)), avgLogprob);
        }
        double duration = (double) contentFrames / FRAMES_PER_SECOND;
        for (int i = n - 1; i >= 0; i--) {
            if (tokenizer.isTimestamp(tokens[i])) {
                if (tokens[i] != tokenizer.timestampBegin()) {
                    duration = tokenizer.timestampSeconds(tokens[i]);
                }
                break;
            }
        }
        int[] text = textTokens(tokens, tokenizer);
        if (text.length > 0) {
            segments.add(new Segment(0, duration, text));
        }
        return new WindowTranscript(segments, contentFrames, avgLogprob);
    }

    private static void addSegment(List<Segment> segments, int[] sliced, WhisperTokenizer tokenizer) {
        int[] text = textTokens(sliced, tokenizer);
        if (text.length > 0) {
            segments.add(new Segment(tokenizer.timestampSeconds(sliced[0]), tokenizer.timestampSeconds(sliced[sliced.length - 1]), text));
        }
    }

    private static int[] textTokens(int[] tokens, WhisperTokenizer tokenizer) {
        return java.util.Arrays.stream(tokens).filter(t -> !tokenizer.isTimestamp(t) && !tokenizer.isSpecial(t)).toArray();
    }

    public String text(int[] tokens) {
        return shared.model.tokenizer().decode(tokens);
    }

    public int melBins() {
        return shared.model.melBins();
    }

    public String modelName() {
        return shared.model.name();
    }

    public String language() {
        return language;
    }

    @Override
    public void close() {
        synchronized (LOADED) {
            if (closed) {
                return;
            }
            closed = true;
            if (--shared.users == 0) {
                LOADED.values().remove(shared);
                shared.model.close();
            }
        }
    }
}
