package io.sensorium.processors.speech.live;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One word of a hypothesis, in stream time (seconds from the stream's start).
 *
 * @param start       when the word begins
 * @param end         when it ends, not before {@code start}
 * @param text        as Whisper gives it, leading space included, so that a stream's text is its words concatenated
 * @param probability how likely the decoder found its tokens, where its times are the model's own (alignment heads);
 *                    NaN where they are an estimate ({@link SegmentWords})
 * @param endsSegment whether Whisper ended a segment after it, in the transcription that gave it: a later
 *                    transcription given the word again is given it in segments as Whisper cut them
 */
public record TimedWord(double start, double end, String text, double probability, boolean endsSegment) {
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    /** A word whose times are an estimate. */
    public TimedWord(double start, double end, String text) {
        this(start, end, text, Double.NaN, false);
    }

    /** A word inside a segment. */
    public TimedWord(double start, double end, String text, double probability) {
        this(start, end, text, probability, false);
    }

    public TimedWord {
        if (text == null) {
            throw new IllegalArgumentException("a word needs its text");
        }
        if (!(start >= 0) || !(end >= start)) {
            throw new IllegalArgumentException("word '" + text + "' has start " + start + " and end " + end);
        }
    }

    /** This word with times relative to a buffer that begins at {@code offset} made stream times. */
    public TimedWord shifted(double offset) {
        return new TimedWord(start + offset, end + offset, text, probability, endsSegment);
    }

    /** This word as the last of its segment. */
    public TimedWord endingSegment() {
        return new TimedWord(start, end, text, probability, true);
    }

    /** Whether its times and probability are the model's own rather than an estimate. */
    public boolean aligned() {
        return !Double.isNaN(probability);
    }

    /**
     * What two renderings of the same spoken word share: Whisper writes a word again as {@code " Country,"} where it
     * first wrote {@code " country."}. A word of punctuation alone is its own key, so that it is not equal to
     * every other such word.
     */
    public String key() {
        String letters = NOT_WORD.matcher(text).replaceAll("").toLowerCase(Locale.ROOT);
        return letters.isEmpty() ? text.strip() : letters;
    }
}
