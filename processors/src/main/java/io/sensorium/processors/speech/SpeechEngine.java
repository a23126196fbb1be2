package io.sensorium.processors.speech;

import io.sensorium.core.config.ConfigException;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.InvalidRecordException;
import io.sensorium.processors.features.LogMelSpectrogram;
import io.sensorium.processors.features.WhisperNormalization;
import io.sensorium.processors.onnx.RunBatcher;
import io.sensorium.processors.onnx.SharedModels;
import io.sensorium.processors.speech.whisper.ForcedPrefix;
import io.sensorium.processors.speech.whisper.LanguageChoice;
import io.sensorium.processors.speech.whisper.TemperatureFallback;
import io.sensorium.processors.speech.whisper.WhisperTask;
import io.sensorium.processors.speech.whisper.WhisperDecoder;
import io.sensorium.processors.speech.whisper.WhisperModel;
import io.sensorium.processors.speech.whisper.WhisperModels;
import io.sensorium.processors.speech.whisper.WhisperTranscriber;
import java.util.Arrays;
import java.util.List;

/**
 * The speech stage's view of Whisper: the configured model, shared within the JVM (see {@link WhisperModels}), and
 * a transcriber over it that takes raw log-mel windows and records where inference time goes.
 */
public final class SpeechEngine implements AutoCloseable {
    public static final int WINDOW_FRAMES = WhisperModel.WINDOW_FRAMES;
    public static final int HOP_SAMPLES = LogMelSpectrogram.HOP;
    public static final int FRAMES_PER_SECOND = WhisperTranscriber.FRAMES_PER_SECOND;

    /**
     * The most previous-text tokens a live window's prompt carries: about whisper_streaming's 200 characters, and
     * one length for every stream with that much history, so that their windows can share a batch.
     */
    static final int LIVE_PROMPT_TOKENS = 32;
    /**
     * A live buffer is encoded as never less than 10 s in all: with less, Whisper loops on a short buffer's last
     * words more often than not.
     */
    private static final int MIN_LIVE_ENCODER_FRAMES = 1000;
    /**
     * The padding a live buffer gets after it, before rounding: 3 s. As much padding as the buffer held (until
     * 2026-12-05) made a buffer of 15 s or more a whole 30 s window, half of eight streams' encoder time; 1 s left
     * one stream's last words wavering longer (final p95 2.11 -> 2.69 s; src/bench/live-latency.sh, README under
     * Speech).
     */
    private static final int LIVE_ENCODER_PADDING_FRAMES = 300;
    /** Live encoder lengths are rounded up to this, so that streams with buffers of near lengths share a batch. */
    private static final int LIVE_ENCODER_STEP = 500;

    private final SharedModels.Handle<WhisperModel> handle;
    private final WhisperTranscriber transcriber;
    private final RunBatcher<WhisperTranscriber.Window, WhisperTranscriber.WindowTranscript> batcher;
    /** The initial prompt's tokens, which each stream's context starts with. */
    private final int[] initialContext;
    private final boolean conditionOnPreviousText;
    private final double promptResetOnTemperature;

    private SpeechEngine(SharedModels.Handle<WhisperModel> handle, SensoriumConfig.Speech speech, int streamThreads) {
        this.handle = handle;
        this.initialContext = speech.initialPrompt().isBlank() ? new int[0]
                : handle.model().tokenizer().encode(" " + speech.initialPrompt().strip());
        this.conditionOnPreviousText = speech.conditionOnPreviousText();
        this.promptResetOnTemperature = speech.promptResetOnTemperature();
        this.transcriber = new WhisperTranscriber(handle.model(), speech.timestamps(), languages(speech), task(speech),
                WhisperTranscriber.DEFAULT_MAX_NEW_TOKENS, new TemperatureFallback(speech.temperatures(), speech.bestOf(),
                speech.compressionRatioThreshold(), speech.logProbThreshold(), speech.noSpeechThreshold()),
                new WhisperDecoder.Beams(speech.beamSize(), speech.patience(), speech.lengthPenalty(),
                        speech.earlyStopping()), speech.hotwords(),
                speech.wordTimestamps());
        this.batcher = new RunBatcher<>(transcriber::shape, transcriber::transcribeWindows,
                "sensorium.speech.batch.size", speech.batchSize(), speech.batchWaitMs(), speech.modelRunsAtOnce(),
                streamThreads);
    }

    /**
     * A handle on the model the configuration names, loading it unless this JVM already has it, batching the windows
     * of the speech stage's stream threads.
     */
    public static SpeechEngine open(SensoriumConfig config) {
        SensoriumConfig.Speech speech = config.speech();
        int streamThreads = Math.max(1, config.kafka().streamThreads());
        SharedModels.Handle<WhisperModel> handle = WhisperModels.acquire(speech.model(),
                WhisperModel.Options.forDevice(speech.device(), speech.threadsPerRun(streamThreads)));
        try {
            return new SpeechEngine(handle, speech, streamThreads);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    private static LanguageChoice languages(SensoriumConfig.Speech speech) {
        try {
            return LanguageChoice.parse(speech.language());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("speech.language: " + e.getMessage(), "speech.language");
        }
    }

    private static WhisperTask task(SensoriumConfig.Speech speech) {
        try {
            return WhisperTask.parse(speech.task());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("speech.task: " + e.getMessage(), "speech.task");
        }
    }

    /**
     * Transcribes a window of raw log-mel frames (normalised here, window-wide, as Whisper does).
     *
     * @param window        {@code [3000][melBins]} raw log10 frames; past the audio they are silence
     * @param contentFrames how many of the frames are the stream's (fewer than 3000 only at its end)
     * @param language      the stream's language, detected on its first window; null to detect it (unless pinned)
     * @param context       the stream's tokens before the window, for its prompt ({@link #initialContext()},
     *                      then {@link #nextContext})
     */
    public WhisperTranscriber.WindowTranscript transcribe(float[][] window, int contentFrames, String language,
                                                          int[] context) {
        WhisperNormalization.normalize(window);
        return batcher.run(WhisperTranscriber.Window.whole(window, contentFrames).in(language)
                .after(context));
    }

    /** The context a stream's first window is prompted with: the initial prompt's tokens (speech.initial-prompt). */
    public int[] initialContext() {
        return initialContext.clone();
    }

    /**
     * The context of a stream's next window, as faster-whisper keeps it: this one's with the tokens of the segments
     * that came of the window after it (cut to what a prompt carries); none once the window was decoded at a
     * temperature above speech.prompt-reset-on-temperature, or where speech.condition-on-previous-text is off.
     */
    public int[] nextContext(int[] context, WhisperTranscriber.WindowTranscript transcript,
                             List<WhisperTranscriber.Segment> kept) {
        if (!conditionOnPreviousText || transcript.temperature() > promptResetOnTemperature) {
            return new int[0];
        }
        int[] next = context;
        for (WhisperTranscriber.Segment segment : kept) {
            int[] longer = Arrays.copyOf(next, next.length + segment.context().length);
            System.arraycopy(segment.context(), 0, longer, next.length, segment.context().length);
            next = longer;
        }
        int most = transcriber.mostPreviousTokens();
        return next.length <= most ? next : Arrays.copyOfRange(next, next.length - most, next.length);
    }

    /**
     * Transcribes a live stream's buffer: as {@link #transcribe}, with the stream's confirmed text before it as the
     * decoder's prompt, the confirmed words in it as the transcript's forced start, and, where the model allows, the
     * encoder given the buffer and a few seconds of padding only.
     *
     * @param previousText the stream's confirmed text before the buffer; blank for none
     * @param confirmed    the buffer's confirmed words, as the transcript is to begin; {@link ForcedPrefix#NONE} to
     *                     decode the whole buffer
     * @param language     the stream's language once known; null to detect it (unless pinned)
     */
    public WhisperTranscriber.WindowTranscript transcribeLive(float[][] window, int contentFrames, String previousText,
                                                              ForcedPrefix confirmed, String language) {
        WhisperNormalization.normalize(window);
        int[] said = previousText.isBlank() ? new int[0] : tokens(" " + previousText.strip());
        // The initial prompt goes before what the stream said: it counts while the stream has said little.
        int[] previous = Arrays.copyOf(initialContext, initialContext.length + said.length);
        System.arraycopy(said, 0, previous, initialContext.length, said.length);
        if (previous.length > LIVE_PROMPT_TOKENS) {
            previous = Arrays.copyOfRange(previous, previous.length - LIVE_PROMPT_TOKENS, previous.length);
        }
        int[] prefix = confirmed.tokens(handle.model().tokenizer(), (double) contentFrames / FRAMES_PER_SECOND);
        return batcher.run(WhisperTranscriber.Window.live(window, contentFrames, liveEncoderFrames(contentFrames),
                previous, prefix).in(language));
    }

    /** See {@link WhisperTranscriber#repetitive}. */
    public boolean repetitive(WhisperTranscriber.WindowTranscript transcript) {
        return transcriber.repetitive(transcript);
    }

    private int liveEncoderFrames(int contentFrames) {
        return handle.model().encodesShortInput() ? shortEncoderFrames(contentFrames) : WINDOW_FRAMES;
    }

    /** How many frames a live buffer of {@code contentFrames} is encoded as, by a model whose encoder takes fewer. */
    static int shortEncoderFrames(int contentFrames) {
        int padded = Math.max(MIN_LIVE_ENCODER_FRAMES, contentFrames + LIVE_ENCODER_PADDING_FRAMES);
        return Math.min(WINDOW_FRAMES, -Math.floorDiv(-padded, LIVE_ENCODER_STEP) * LIVE_ENCODER_STEP);
    }

    /** Features of another mel size than the model's cannot be transcribed: the record is at fault. */
    void checkFeatures(FeatureChunk chunk) {
        if (chunk.melBins() != melBins()) {
            throw new InvalidRecordException("features have " + chunk.melBins() + " mel bins, model " + modelName()
                    + " takes " + melBins() + " (set audio.mel-bins for the feature processor)");
        }
    }

    public String text(int[] tokens) {
        return handle.model().tokenizer().decode(tokens);
    }

    public int[] tokens(String text) {
        return handle.model().tokenizer().encode(text);
    }

    public int melBins() {
        return handle.model().melBins();
    }

    public String modelName() {
        return handle.model().name();
    }

    @Override
    public void close() {
        handle.close();
    }
}
