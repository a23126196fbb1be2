package io.sensorium.core.records;

/**
 * A word of a transcript segment with when it was said (seconds from the start of the stream) and how likely the
 * model found its tokens (their mean probability). See RECORD-FORMATS.md.
 *
 * @param word its text, with the space before it
 */
public record TranscriptWord(String word, double start, double end, double probability) {}
