package io.sensorium.processors.speech;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Whisper's English text normaliser (openai/whisper normalizers/english.py, EnglishTextNormalizer), which word error
 * rates are computed after: lower case, bracketed and filler words dropped, contractions and titles spelled out,
 * symbols and diacritics removed, British spellings made American.
 *
 * <p>Not yet ported: its EnglishNumberNormalizer ("twenty one" to "21", "$5.50", ordinals); texts whose numbers are
 * written differently by reference and hypothesis still count those words as errors.
 */
public final class EnglishTextNormalizer {
    private static final int FLAGS = Pattern.UNICODE_CHARACTER_CLASS;
    private static final Pattern BRACKETS = Pattern.compile("[<\\[][^>\\]]*[>\\]]", FLAGS);
    private static final Pattern PARENTHESES = Pattern.compile("\\(([^)]+?)\\)", FLAGS);
    private static final Pattern FILLERS = Pattern.compile("\\b(hmm|mm|mhm|mmm|uh|um)\\b", FLAGS);
    private static final Pattern SPACE_APOSTROPHE = Pattern.compile("\\s+'", FLAGS);
    private static final Pattern DIGIT_COMMA = Pattern.compile("(\\d),(\\d)", FLAGS);
    private static final Pattern PERIOD = Pattern.compile("\\.([^0-9]|$)", FLAGS);
    private static final Pattern LEADING_SYMBOL = Pattern.compile("[.$¢€£]([^0-9])", FLAGS);
    private static final Pattern TRAILING_PERCENT = Pattern.compile("([^0-9])%", FLAGS);
    private static final Pattern SPACES = Pattern.compile("\\s+", FLAGS);
    private static final String KEEP = ".%$¢€£";
    private static final Map<Character, String> DIACRITICS = Map.ofEntries(
            Map.entry('œ', "oe"), Map.entry('Œ', "OE"), Map.entry('ø', "o"), Map.entry('Ø', "O"), Map.entry('æ', "ae"),
            Map.entry('Æ', "AE"), Map.entry('ß', "ss"), Map.entry('ẞ', "SS"), Map.entry('đ', "d"), Map.entry('Đ', "D"),
            Map.entry('ð', "d"), Map.entry('Ð', "D"), Map.entry('þ', "th"), Map.entry('Þ', "th"), Map.entry('ł', "l"),
            Map.entry('Ł', "L"));
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

    private final Map<String, String> spellings;

    public EnglishTextNormalizer() {
        try (InputStream in = EnglishTextNormalizer.class.getResourceAsStream("english-spelling.json")) {
            spellings = new ObjectMapper().readValue(in, new TypeReference<Map<String, String>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in spelling map", e);
        }
    }

    public String normalize(String text) {
        String s = text.toLowerCase(java.util.Locale.ROOT);
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
        s = Arrays.stream(SPACES.split(s.strip())).map(word -> spellings.getOrDefault(word, word))
                .collect(Collectors.joining(" "));
        s = LEADING_SYMBOL.matcher(s).replaceAll(" $1");
        s = TRAILING_PERCENT.matcher(s).replaceAll("$1 ");
        return SPACES.matcher(s).replaceAll(" ");
    }

    private static String removeSymbolsAndDiacritics(String s) {
        StringBuilder out = new StringBuilder();
        String decomposed = Normalizer.normalize(s, Normalizer.Form.NFKD);
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            int type = Character.getType(c);
            if (KEEP.indexOf(c) >= 0) {
                out.append(c);
            } else if (DIACRITICS.containsKey(c)) {
                out.append(DIACRITICS.get(c));
            } else if (type == Character.NON_SPACING_MARK) {
                continue;
            } else if (isMarkSymbolOrPunctuation(type)) {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Unicode categories M*, S* and P*, which Whisper turns into spaces. */
    private static boolean isMarkSymbolOrPunctuation(int type) {
        return switch (type) {
            case Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK, Character.MATH_SYMBOL,
                    Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL,
                    Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static Map<Pattern, String> replacers(String... pairs) {
        Map<Pattern, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(Pattern.compile(pairs[i], FLAGS), pairs[i + 1]);
        }
        return map;
    }
}
