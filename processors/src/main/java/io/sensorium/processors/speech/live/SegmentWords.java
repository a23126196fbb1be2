package io.sensorium.processors.speech.live;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts a Whisper segment into {@link TimedWord}s where word times are not asked for (speech.word-timestamps: the
 * alignment costs each live step a decoder run over its tokens): the segment's time is spread over its words by
 * their length in characters. A word's times are then an estimate, good enough for the commit policy, which compares
 * words by their text and only needs their order and rough position.
 */
public final class SegmentWords {
    /** Words keep their leading space, as Whisper writes them, so that concatenated words give the text back. */
    private static final Pattern BEFORE_SPACE = Pattern.compile("(?= )");

    private SegmentWords() {}

    /**
     * Words back into segments as Whisper cut them: a new one after each word that {@link TimedWord#endsSegment()
     * ended one}. The words' times are left as they are.
     */
    public static List<List<TimedWord>> segments(List<TimedWord> words) {
        List<List<TimedWord>> segments = new ArrayList<>();
        List<TimedWord> current = new ArrayList<>();
        for (TimedWord word : words) {
            current.add(word);
            if (word.endsSegment()) {
                segments.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            segments.add(current);
        }
        return segments;
    }

    /**
     * @param start the segment's start, seconds
     * @param end   its end, not before {@code start}
     * @param text  its text as the tokenizer decodes it
     * @return its words in order, their times spanning {@code start} to {@code end}
     */
    public static List<TimedWord> split(double start, double end, String text) {
        List<String> pieces = new ArrayList<>();
        int characters = 0;
        for (String piece : BEFORE_SPACE.split(text)) {
            if (!piece.isBlank()) {
                pieces.add(piece);
                characters += piece.length();
            }
        }
        List<TimedWord> words = new ArrayList<>(pieces.size());
        double perCharacter = characters == 0 ? 0 : (end - start) / characters;
        int before = 0;
        for (String piece : pieces) {
            double wordStart = start + before * perCharacter;
            before += piece.length();
            double wordEnd = pieces.size() == words.size() + 1 ? end : start + before * perCharacter;
            words.add(new TimedWord(wordStart, Math.max(wordStart, wordEnd), piece));
        }
        return words;
    }
}
