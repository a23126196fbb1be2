package io.sensorium.processors.speech.whisper;

import io.sensorium.processors.onnx.SharedModels;
import java.nio.file.Path;

/** The Whisper models loaded in this JVM, shared by every task that transcribes with one (see {@link SharedModels}). */
public final class WhisperModels {
    private static final SharedModels<WhisperModel.Options, WhisperModel> LOADED = new SharedModels<>(WhisperModel::load);

    private WhisperModels() {}

    /** A counted reference to a shared Whisper model; closing it releases this reference only. */
    public static SharedModels.Handle<WhisperModel> acquire(Path dir, WhisperModel.Options options) {
        return LOADED.acquire(dir, options);
    }

    /** How many distinct models are loaded now. */
    static int loaded() {
        return LOADED.loaded();
    }
}
