package io.sensorium.processors.speech.whisper;

import java.util.ArrayList;
import java.util.List;

/**
 * The start of a window's transcript, known before the window is decoded, in the tokens Whisper would write it in:
 * each segment's start timestamp and text, and between two segments the timestamp where the first ends. The last
 * segment is left open, for the decoder to go on with or to end where it hears it end. A live stream's confirmed
 * words still in its buffer are such a start: fed to the decoder as a prefix they cost one run over the prompt,
 * where decoding them again cost a step per token.
 *
 * @param segments in order, not overlapping
 */
public record ForcedPrefix(List<Segment> segments) {
    public static final ForcedPrefix NONE = new ForcedPrefix(List.of());

    /**
     * @param start seconds from the window's start
     * @param end   seconds from the window's start; only a segment another follows is closed at it
     * @param text  as Whisper writes it: each word with its leading space
     */
    public record Segment(double start, double end, String text) {}

    public ForcedPrefix {
        segments = List.copyOf(segments);
    }

    /**
     * The prefix's tokens for a window whose audio ends {@code contentEnd} seconds from its start: timestamps are
     * rounded to Whisper's 0.02 s, kept within the audio and never going back, as the timestamp rules require.
     */
    public int[] tokens(WhisperTokenizer tokenizer, double contentEnd) {
        int timestampBegin = tokenizer.timestampBegin();
        int last = (int) Math.floor(Math.min(contentEnd, (double) WhisperModel.WINDOW_FRAMES
                / WhisperTranscriber.FRAMES_PER_SECOND) / WhisperTranscriber.SECONDS_PER_TIMESTAMP);
        List<Integer> tokens = new ArrayList<>();
        int previous = 0;
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            previous = timestamp(segment.start(), previous, last);
            tokens.add(timestampBegin + previous);
            for (int token : tokenizer.encode(segment.text())) {
                tokens.add(token);
            }
            if (i < segments.size() - 1) {
                previous = timestamp(segment.end(), previous, last);
                tokens.add(timestampBegin + previous);
            }
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int timestamp(double seconds, int atLeast, int atMost) {
        int index = (int) Math.round(seconds / WhisperTranscriber.SECONDS_PER_TIMESTAMP);
        return Math.min(atMost, Math.max(atLeast, index));
    }
}
