package io.sensorium.processors.speech.whisper;

import java.util.Locale;

/** What a multilingual Whisper is asked to write: the speech in its own language, or in English. */
public enum WhisperTask {
    TRANSCRIBE,
    TRANSLATE;

    /** The name in the prompt's task token and in generation_config.json's task_to_id. */
    public String tokenName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code transcribe} or {@code translate}. */
    public static WhisperTask parse(String name) {
        for (WhisperTask task : values()) {
            if (task.tokenName().equals(name.strip())) {
                return task;
            }
        }
        throw new IllegalArgumentException("a task is 'transcribe' or 'translate', not '" + name + "'");
    }
}
