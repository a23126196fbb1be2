package io.sensorium.processors.speech.text;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Whisper's English text normaliser (openai/whisper normalizers/english.py, EnglishTextNormalizer), which word error
 * rates are computed after: lower case, bracketed and filler words dropped, contractions and titles spelled out,
 * symbols and diacritics removed, spelled-out numbers written in digits ({@link EnglishNumberNormalizer}), British
 * spellings made American.
 *
 * <p>Whisper's patterns are Python {@code re} patterns, compiled here by {@link #python(String)} so that their
 * {@code \b}, {@code \s} and {@code \d} match the same characters.
 */
public final class EnglishTextNormalizer {
    /** Python's word characters: letters, digits and other numbers, and the underscore. */
    private static final String WORD = "[\\p{L}\\p{N}_]";
    /** Java looks behind by chars: a word character outside the BMP is matched from its high surrogate. */
    private static final String WORD_BEHIND = WORD + "\\p{InLow_Surrogates}?";
    private static final String WORD_BOUNDARY =
            "(?:(?<=" + WORD_BEHIND + ")(?!" + WORD + ")|(?<!" + WORD_BEHIND + ")(?=" + WORD + "))";
    /** Python's whitespace: Unicode's, and the information separators U+001C to U+001F. */
    private static final String SPACE = "[\\s\\x1c-\\x1f]";
    private static final Pattern BRACKETS = python("[<\\[][^>\\]]*[>\\]]");
    private static final Pattern PARENTHESES = python("\\(([^)]+?)\\)");
    private static final Pattern FILLERS = python("\\b(hmm|mm|mhm|mmm|uh|um)\\b");
    private static final Pattern SPACE_APOSTROPHE = python("\\s+'");
    private static final Pattern DIGIT_COMMA = python("(\\d),(\\d)");
    private static final Pattern PERIOD = python("\\.([^0-9]|$)");
    private static final Pattern LEADING_SYMBOL = python("[.$¢€£]([^0-9])");
    private static final Pattern TRAILING_PERCENT = python("([^0-9])%");
    private static final Pattern SPACES = python("\\s+");
    private static final String KEEP = ".%$¢€£";
    /** The characters of Unicode's Word_Break classes MidLetter, MidNumLet and Single_Quote, all case-ignorable. */
    private static final String MID_WORD =
            "'.:\u00b7\u0387\u055f\u05f4\u2018\u2019\u2024\u2027\ufe13\ufe52\ufe55\uff07\uff0e\uff1a";
    private static final Map<String, String> DIACRITICS = Map.ofEntries(
            Map.entry("œ", "oe"), Map.entry("Œ", "OE"), Map.entry("ø", "o"), Map.entry("Ø", "O"), Map.entry("æ", "ae"),
            Map.entry("Æ", "AE"), Map.entry("ß", "ss"), Map.entry("ẞ", "SS"), Map.entry("đ", "d"), Map.entry("Đ", "D"),
            Map.entry("ð", "d"), Map.entry("Ð", "D"), Map.entry("þ", "th"), Map.entry("Þ", "th"), Map.entry("ł", "l"),
            Map.entry("Ł", "L"));
    private static final Map<Pattern, String> REPLACERS = replacers(
            "\\bwon't\\b", "will not", "\\bcan't\\b", "can not", "\\blet's\\b", "let us", "\\bain't\\b", "aint",
            "\\by'all\\b", "you all", "\\bwanna\\b", "want to", "\\bgotta\\b", "got to", "\\bgonna\\b", "going to",
            "\\bi'ma\\b", "i am going to", "\\bimma\\b", "i am going to", "\\bwoulda\\b", "would have",
            "\\bcoulda\\b", "could have", "\\bshoulda\\b", "should have", "\\bma'am\\b", "madam",
            "\\bmr\\b", "mister ", "\\bmrs\\b", "missus ", "\\bst\\b", "saint ", "\\bdr\\b", "doctor ",
            "\\bprof\\b", "professor ", "\\bcapt\\b", "captain ", "\\bgov\\b", "governor ", "\\bald\\b", "alderman ",
            "\\bgen\\b", "general ", "\\bsen\\b", "senator ", "\\brep\\b", "representative ", "\\bpres\\b", "president ",
            "\\brev\\b", "reverend ", "\\bhon\\b", "honorable ", "\\basst\\b", "assistant ", "\\bassoc\\b", "associate ",
            "\\blt\\b", "lieutenant ", "\\bcol\\b", "colonel ", "\\bjr\\b", "junior ", "\\bsr\\b", "senior ",
            "\\besq\\b", "esquire ", "'d been\\b", " had been", "'s been\\b", " has been", "'d gone\\b", " had gone",
            "'s gone\\b", " has gone", "'d done\\b", " had done", "'s got\\b", " has got", "n't\\b", " not",
            "'re\\b", " are", "'s\\b", " is", "'d\\b", " would", "'ll\\b", " will", "'t\\b", " not", "'ve\\b", " have",
            "'m\\b", " am");

    private final EnglishNumberNormalizer numbers = new EnglishNumberNormalizer();
    private final Map<String, String> spellings;

    public EnglishTextNormalizer() {
        try (InputStream in = EnglishTextNormalizer.class.getResourceAsStream("english-spelling.json")) {
            spellings = new ObjectMapper().readValue(in, new TypeReference<Map<String, String>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in spelling map", e);
        }
    }

    public String normalize(String text) {
        String s = lowerCase(text);
        s = BRACKETS.matcher(s).replaceAll("");
        s = PARENTHESES.matcher(s).replaceAll("");
        s = FILLERS.matcher(s).replaceAll("");
        s = SPACE_APOSTROPHE.matcher(s).replaceAll("'");
        for (Map.Entry<Pattern, String> replacer : REPLACERS.entrySet()) {
            s = replacer.getKey().matcher(s).replaceAll(replacer.getValue());
        }
        s = DIGIT_COMMA.matcher(s).replaceAll("$1$2");
        s = PERIOD.matcher(s).replaceAll(" $1");
        s = removeSymbolsAndDiacritics(s);
        s = numbers.normalize(s);
        s = split(s).stream().map(word -> spellings.getOrDefault(word, word)).collect(Collectors.joining(" "));
        s = LEADING_SYMBOL.matcher(s).replaceAll(" $1");
        s = TRAILING_PERCENT.matcher(s).replaceAll("$1 ");
        return SPACES.matcher(s).replaceAll(" ");
    }

    /**
     * Python's {@code str.lower()}. Java's differs only in when a capital sigma ends a word (and becomes "ς"): Java
     * looks for a word boundary, Python for Unicode's Final_Sigma context, which "a-Σ" is not in and "aΣ-b" is.
     */
    private static String lowerCase(String text) {
        StringBuilder sigmas = new StringBuilder(text);
        for (int i = text.indexOf('Σ'); i >= 0; i = text.indexOf('Σ', i + 1)) {
            sigmas.setCharAt(i, isFinalSigma(text, i) ? 'ς' : 'σ');
        }
        return sigmas.toString().toLowerCase(Locale.ROOT);
    }

    /** After a cased letter and not before one, case-ignorable characters such as apostrophes skipped. */
    private static boolean isFinalSigma(String text, int index) {
        int before = index;
        while (before > 0 && isCaseIgnorable(text.codePointBefore(before))) {
            before -= Character.charCount(text.codePointBefore(before));
        }
        int after = index + 1;
        while (after < text.length() && isCaseIgnorable(text.codePointAt(after))) {
            after += Character.charCount(text.codePointAt(after));
        }
        return before > 0 && isCased(text.codePointBefore(before))
                && (after == text.length() || !isCased(text.codePointAt(after)));
    }

    private static boolean isCased(int c) {
        return Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
    }

    private static boolean isCaseIgnorable(int c) {
        return switch (Character.getType(c)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT, Character.MODIFIER_LETTER,
                    Character.MODIFIER_SYMBOL -> true;
            default -> MID_WORD.indexOf(c) >= 0;
        };
    }

    private static String removeSymbolsAndDiacritics(String s) {
        StringBuilder out = new StringBuilder();
        // by code point, as Python does: an emoji is one symbol, not two surrogates
        Normalizer.normalize(s, Normalizer.Form.NFKD).codePoints().forEach(c -> {
            String character = Character.toString(c);
            int type = Character.getType(c);
            if (KEEP.contains(character)) {
                out.append(character);
            } else if (DIACRITICS.containsKey(character)) {
                out.append(DIACRITICS.get(character));
            } else if (isMarkSymbolOrPunctuation(type)) {
                out.append(' ');
            } else if (type != Character.NON_SPACING_MARK) {
                out.append(character);
            }
        });
        return out.toString();
    }

    /** Unicode categories M* (less the non-spacing marks), S* and P*, which Whisper turns into spaces. */
    static boolean isMarkSymbolOrPunctuation(int type) {
        return switch (type) {
            case Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK, Character.MATH_SYMBOL,
                    Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL,
                    Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /**
     * A Python {@code re} pattern in Java. Java's Unicode {@code \b} counts marks and connector punctuation as word
     * characters but not numbers like "²" and its {@code \s} leaves out U+001C to U+001F, so both are spelled out.
     */
    static Pattern python(String regex) {
        return Pattern.compile(regex.replace("\\b", WORD_BOUNDARY).replace("\\s", SPACE),
                Pattern.UNICODE_CHARACTER_CLASS);
    }

    /** Python's {@code str.split()}: the words between runs of whitespace. */
    static List<String> split(String s) {
        return Arrays.stream(SPACES.split(s)).filter(word -> !word.isEmpty()).toList();
    }

    private static Map<Pattern, String> replacers(String... pairs) {
        Map<Pattern, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(python(pairs[i]), pairs[i + 1]);
        }
        return map;
    }
}
