package io.sensorium.processors.speech;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.InvalidRecordException;
import io.sensorium.processors.features.LogMelSpectrogram;
import io.sensorium.processors.features.WhisperNormalization;
import io.sensorium.processors.onnx.SharedModels;
import io.sensorium.processors.speech.whisper.WhisperModel;
import io.sensorium.processors.speech.whisper.WhisperModels;
import io.sensorium.processors.speech.whisper.WhisperTranscriber;

/**
 * The speech stage's view of Whisper: the configured model, shared within the JVM (see {@link WhisperModels}), and
 * a transcriber over it that takes raw log-mel windows and records where inference time goes.
 */
public final class SpeechEngine implements AutoCloseable {
    public static final int WINDOW_FRAMES = WhisperModel.WINDOW_FRAMES;
    public static final int HOP_SAMPLES = LogMelSpectrogram.HOP;
    public static final int FRAMES_PER_SECOND = WhisperTranscriber.FRAMES_PER_SECOND;

    private final SharedModels.Handle<WhisperModel> handle;
    private final WhisperTranscriber transcriber;
    private final String language;

    private SpeechEngine(SharedModels.Handle<WhisperModel> handle, SensoriumConfig.Speech speech, String language) {
        this.handle = handle;
        this.language = language;
        this.transcriber = new WhisperTranscriber(handle.model(), speech.timestamps(), language,
                WhisperTranscriber.DEFAULT_MAX_NEW_TOKENS, speech.noSpeechThreshold(), speech.logProbThreshold());
    }

    /** A handle on the model the configuration names, loading it unless this JVM already has it. */
    public static SpeechEngine open(SensoriumConfig.Speech speech) {
        SharedModels.Handle<WhisperModel> handle = WhisperModels.acquire(speech.model(),
                WhisperModel.Options.forDevice(speech.device(), Math.max(1, speech.threads())));
        String language = speech.language() == null || speech.language().isBlank() ? "en" : speech.language();
        return new SpeechEngine(handle, speech, language);
    }

    /**
     * Transcribes a window of raw log-mel frames (normalised here, window-wide, as Whisper does).
     *
     * @param window        {@code [3000][melBins]} raw log10 frames; past the audio they are silence
     * @param contentFrames how many of the frames are the stream's (fewer than 3000 only at its end)
     */
    public WhisperTranscriber.WindowTranscript transcribe(float[][] window, int contentFrames) {
        WhisperNormalization.normalize(window);
        return transcriber.transcribeWindow(window, contentFrames);
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

    public String language() {
        return language;
    }

    @Override
    public void close() {
        handle.close();
    }
}
