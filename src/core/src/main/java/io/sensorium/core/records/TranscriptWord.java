package io.sensorium.core.records;

/**
 * A word of a transcript segment with when it was said (seconds from the start of the stream) and how likely the
 * model found its tokens (their mean probability). See RECORD-FORMATS.md.
 *
 * @param word its text, with the space before it
 */
public record TranscriptWord(String word, double start, double end, double probability) {
    /** The word with its times to the centisecond, as openai and faster-whisper round them. */
    public static TranscriptWord rounded(String word, double start, double end, double probability) {
        return new TranscriptWord(word, Math.round(start * 100) / 100.0, Math.round(end * 100) / 100.0, probability);
    }
}
