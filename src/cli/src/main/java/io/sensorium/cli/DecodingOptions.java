package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import picocli.CommandLine.Option;

/**
 * How Whisper decodes, for every command that runs the speech stage ({@code transcribe}, {@code process speech},
 * {@code reprocess speech}): one set of flags over the {@code speech.*} settings, so the three decode alike.
 */
final class DecodingOptions {
    @Option(names = "--language", paramLabel = "auto|CODE|CODE,CODE...",
            description = "Multilingual models: auto detects each stream's language on its first window; a code (de)"
                    + " pins it; codes (en,de,fr) detect it among those only (default: speech.language, auto).")
    String language;

    @Option(names = "--task", paramLabel = "transcribe|translate",
            description = "transcribe, or translate speech in any language into English text (multilingual models;"
                    + " default: speech.task, transcribe).")
    String task;

    @Option(names = "--beam-size", paramLabel = "N",
            description = "Beams of the beam search whole windows are decoded by; 1 decodes greedily, faster; live"
                    + " transcription is greedy (default: speech.beam-size, 5, as faster-whisper).")
    Integer beamSize;

    @Option(names = "--word-timestamps", negatable = true,
            description = "Give each segment's words with their times and probabilities, from the model's alignment"
                    + " heads (default: speech.word-timestamps, off, as faster-whisper).")
    Boolean wordTimestamps;

    SensoriumConfig apply(SensoriumConfig config) {
        return language == null && task == null && beamSize == null && wordTimestamps == null ? config
                : config.withDecoding(language, task, beamSize, wordTimestamps);
    }
}
