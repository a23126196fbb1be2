package io.sensorium.processors.speech;

import io.sensorium.core.config.ConfigException;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.InvalidRecordException;
import io.sensorium.processors.features.LogMelSpectrogram;
import io.sensorium.processors.features.WhisperNormalization;
import io.sensorium.processors.onnx.SharedModels;
import io.sensorium.processors.speech.whisper.LanguageChoice;
import io.sensorium.processors.speech.whisper.TemperatureFallback;
import io.sensorium.processors.speech.whisper.WhisperTask;
import io.sensorium.processors.speech.whisper.WhisperModel;
import io.sensorium.processors.speech.whisper.WhisperModels;
import io.sensorium.processors.speech.whisper.WhisperTranscriber;
import io.sensorium.processors.speech.whisper.WindowBatcher;
import java.util.Arrays;

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
     * A live buffer is encoded with at least as much padding after it as it holds, and never less than 10 s in all:
     * with less, Whisper loops on the buffer's last words more often than not.
     */
    private static final int MIN_LIVE_ENCODER_FRAMES = 1000;
    /** Live encoder lengths are rounded up to this, so that streams with buffers of near lengths share a batch. */
    private static final int LIVE_ENCODER_STEP = 500;

    private final SharedModels.Handle<WhisperModel> handle;
    private final WhisperTranscriber transcriber;
    private final WindowBatcher batcher;

    private SpeechEngine(SharedModels.Handle<WhisperModel> handle, SensoriumConfig.Speech speech, int streamThreads) {
        this.handle = handle;
        this.transcriber = new WhisperTranscriber(handle.model(), speech.timestamps(), languages(speech), task(speech),
                WhisperTranscriber.DEFAULT_MAX_NEW_TOKENS, new TemperatureFallback(speech.temperatures(), speech.bestOf(),
                speech.compressionRatioThreshold(), speech.logProbThreshold(), speech.noSpeechThreshold()));
        this.batcher = new WindowBatcher(transcriber, speech.batchSize(), speech.batchWaitMs(), streamThreads);
    }

    /**
     * A handle on the model the configuration names, loading it unless this JVM already has it, batching the windows
     * of the speech stage's stream threads.
     */
    public static SpeechEngine open(SensoriumConfig config) {
        SensoriumConfig.Speech speech = config.speech();
        SharedModels.Handle<WhisperModel> handle = WhisperModels.acquire(speech.model(),
                WhisperModel.Options.forDevice(speech.device(), Math.max(1, speech.threads())));
        try {
            return new SpeechEngine(handle, speech, Math.max(1, config.kafka().streamThreads()));
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
     */
    public WhisperTranscriber.WindowTranscript transcribe(float[][] window, int contentFrames, String language) {
        WhisperNormalization.normalize(window);
        return batcher.transcribe(WhisperTranscriber.Window.whole(window, contentFrames).in(language));
    }

    /**
     * Transcribes a live stream's buffer: as {@link #transcribe}, with the stream's confirmed text before it as the
     * decoder's prompt, and, where the model allows, the encoder given the buffer and as much padding only.
     *
     * @param previousText the stream's confirmed text before the buffer; blank for none
     * @param language     the stream's language once known; null to detect it (unless pinned)
     */
    public WhisperTranscriber.WindowTranscript transcribeLive(float[][] window, int contentFrames, String previousText,
                                                              String language) {
        WhisperNormalization.normalize(window);
        int[] previous = previousText.isBlank() ? new int[0] : tokens(" " + previousText.strip());
        if (previous.length > LIVE_PROMPT_TOKENS) {
            previous = Arrays.copyOfRange(previous, previous.length - LIVE_PROMPT_TOKENS, previous.length);
        }
        return batcher.transcribe(WhisperTranscriber.Window.live(window, contentFrames, liveEncoderFrames(contentFrames),
                previous).in(language));
    }

    /** See {@link WhisperTranscriber#repetitive}. */
    public boolean repetitive(WhisperTranscriber.WindowTranscript transcript) {
        return transcriber.repetitive(transcript);
    }

    private int liveEncoderFrames(int contentFrames) {
        if (!handle.model().encodesShortInput()) {
            return WINDOW_FRAMES;
        }
        int padded = Math.max(MIN_LIVE_ENCODER_FRAMES, 2 * contentFrames);
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
