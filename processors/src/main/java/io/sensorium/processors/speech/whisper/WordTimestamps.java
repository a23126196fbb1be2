package io.sensorium.processors.speech.whisper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The words of a window's segments with when each was said and how likely, as openai's add_word_timestamps (and
 * faster-whisper's word_timestamps) finds them: the window's text tokens after {@code <|startoftranscript|>
 * [<|lang|> <|task|>] <|notimestamps|>} are aligned to the audio ({@link CrossAttentionAligner}); tokens are grouped
 * into words (at spaces and punctuation; one character at a time for languages written without spaces); a word
 * starts where the alignment reaches the token before it and ends where it reaches its last; a word longer than twice
 * the median word (at most 1.4 s) next to a sentence's end is cut to that; quotes and brackets go with the word after
 * them and closing punctuation with the word before; each segment takes its words by their tokens.
 */
public final class WordTimestamps {
    /** openai's defaults: punctuation that goes with the word after it, and with the word before it. */
    private static final String PREPENDED = "\"'“¿([{-";
    private static final String APPENDED = "\"'.。,，!！?？:：”)]}、";
    private static final String SENTENCE_ENDS = ".。!！?？";
    /** Python's string.punctuation. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final Set<String> WITHOUT_SPACES = Set.of("zh", "ja", "th", "lo", "my", "yue");

    /** A word as it goes out: text with its leading space, seconds from the window's start, probability. */
    public record Word(String text, double start, double end, double probability) {}

    /** A word while it is being found: its text, tokens, times and probability. */
    private static final class Timing {
        String text;
        List<Integer> tokens;
        double start;
        double end;
        final double probability;

        Timing(String text, List<Integer> tokens, double start, double end, double probability) {
            this.text = text;
            this.tokens = tokens;
            this.start = start;
            this.end = end;
            this.probability = probability;
        }
    }

    private final WhisperModel model;
    private final WhisperDecoder decoder;
    private final CrossAttentionAligner aligner;

    WordTimestamps(WhisperModel model, WhisperDecoder decoder) {
        this.model = model;
        this.decoder = decoder;
        this.aligner = new CrossAttentionAligner(model);
    }

    /** For each segment, its words; segments without text tokens get none. */
    List<List<Word>> words(WhisperEncoder.EncoderOutput encoded, int item, List<WhisperTranscriber.Segment> segments,
                           String language, WhisperTask task, int contentFrames) {
        List<Integer> text = new ArrayList<>();
        segments.forEach(segment -> Arrays.stream(segment.tokens()).forEach(text::add));
        List<List<Word>> perSegment = new ArrayList<>();
        if (text.isEmpty()) {
            segments.forEach(segment -> perSegment.add(List.of()));
            return perSegment;
        }
        int[] prompt = decoder.prompt(new int[0], new int[0], false, language, task);
        int eot = model.tokenizer().endOfText();
        int[] tokens = new int[prompt.length + text.size() + 1];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        for (int i = 0; i < text.size(); i++) {
            tokens[prompt.length + i] = text.get(i);
        }
        tokens[tokens.length - 1] = eot;
        // The rows from <|notimestamps|> on, as openai's matrix[len(sot_sequence):-1].
        int rowsFrom = prompt.length - 1;
        CrossAttentionAligner.Alignment alignment = aligner.align(encoded, item, tokens, rowsFrom, contentFrames);
        List<Timing> timings = timings(text, alignment, rowsFrom, prompt.length, language);
        clampLongWords(timings);
        mergePunctuation(timings);
        int next = 0;
        for (WhisperTranscriber.Segment segment : segments) {
            List<Word> words = new ArrayList<>();
            int taken = 0;
            while (next < timings.size() && taken < segment.tokens().length) {
                Timing timing = timings.get(next++);
                if (!timing.text.isEmpty()) {
                    words.add(new Word(timing.text, round(timing.start), round(timing.end), timing.probability));
                }
                taken += timing.tokens.size();
            }
            perSegment.add(words);
        }
        return perSegment;
    }

    /** openai's find_alignment after the time warping: words, their boundaries' times and mean probabilities. */
    private List<Timing> timings(List<Integer> text, CrossAttentionAligner.Alignment alignment, int rowsFrom,
                                 int textFrom, String language) {
        List<String> words = new ArrayList<>();
        List<List<Integer>> wordTokens = new ArrayList<>();
        split(text, language, words, wordTokens);
        List<Timing> timings = new ArrayList<>();
        int boundary = 0;
        for (int w = 0; w < words.size(); w++) {
            int size = wordTokens.get(w).size();
            double probability = 0;
            for (int t = boundary; t < boundary + size; t++) {
                probability += alignment.probabilities()[textFrom + t];
            }
            // jump_times[k] is the time of row rowsFrom + k: the row of the token before text token k.
            timings.add(new Timing(words.get(w), wordTokens.get(w), alignment.times()[rowsFrom + boundary],
                    alignment.times()[rowsFrom + boundary + size], probability / size));
            boundary += size;
        }
        return timings;
    }

    /** openai's split_to_word_tokens. */
    private void split(List<Integer> tokens, String language, List<String> words, List<List<Integer>> wordTokens) {
        List<String> subwords = new ArrayList<>();
        List<List<Integer>> subwordTokens = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int token : tokens) {
            current.add(token);
            String decoded = model.tokenizer().decode(current.stream().mapToInt(Integer::intValue).toArray());
            // A character split across tokens decodes to the replacement character until its last byte comes.
            if (decoded.indexOf('\ufffd') < 0) {
                subwords.add(decoded);
                subwordTokens.add(current);
                current = new ArrayList<>();
            }
        }
        boolean withoutSpaces = WITHOUT_SPACES.contains(language);
        for (int i = 0; i < subwords.size(); i++) {
            String subword = subwords.get(i);
            boolean starts = withoutSpaces || words.isEmpty() || subword.startsWith(" ")
                    || PUNCTUATION.contains(subword.strip());
            if (starts) {
                words.add(subword);
                wordTokens.add(new ArrayList<>(subwordTokens.get(i)));
            } else {
                words.set(words.size() - 1, words.get(words.size() - 1) + subword);
                wordTokens.get(wordTokens.size() - 1).addAll(subwordTokens.get(i));
            }
        }
    }

    /** openai's hack: a long word at a sentence's end is cut to twice the median word's duration (at most 0.7 s). */
    private static void clampLongWords(List<Timing> timings) {
        double[] durations = timings.stream().mapToDouble(t -> t.end - t.start).filter(d -> d > 0).sorted().toArray();
        if (durations.length == 0) {
            return;
        }
        int middle = durations.length / 2;
        double median = durations.length % 2 == 1 ? durations[middle] : (durations[middle - 1] + durations[middle]) / 2;
        double longest = 2 * Math.min(0.7, median);
        for (int i = 1; i < timings.size(); i++) {
            Timing timing = timings.get(i);
            if (timing.end - timing.start > longest) {
                if (SENTENCE_ENDS.contains(timing.text)) {
                    timing.end = timing.start + longest;
                } else if (SENTENCE_ENDS.contains(timings.get(i - 1).text)) {
                    timing.start = timing.end - longest;
                }
            }
        }
    }

    /** openai's merge_punctuations. */
    private static void mergePunctuation(List<Timing> timings) {
        int j = timings.size() - 1;
        for (int i = timings.size() - 2; i >= 0; i--) {
            Timing previous = timings.get(i);
            Timing following = timings.get(j);
            if (previous.text.startsWith(" ") && PREPENDED.contains(previous.text.strip())) {
                following.text = previous.text + following.text;
                following.tokens = concat(previous.tokens, following.tokens);
                previous.text = "";
                previous.tokens = List.of();
            } else {
                j = i;
            }
        }
        int i = 0;
        for (j = 1; j < timings.size(); j++) {
            Timing previous = timings.get(i);
            Timing following = timings.get(j);
            if (!previous.text.endsWith(" ") && APPENDED.contains(following.text)) {
                previous.text = previous.text + following.text;
                previous.tokens = concat(previous.tokens, following.tokens);
                following.text = "";
                following.tokens = List.of();
            } else {
                i = j;
            }
        }
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        List<Integer> joined = new ArrayList<>(a);
        joined.addAll(b);
        return joined;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 100) / 100.0;
    }
}
