package io.sensorium.processors.speech.text;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whisper's text normaliser for languages other than English (openai/whisper normalizers/basic.py,
 * BasicTextNormalizer with its defaults), which multilingual word error rates are computed after: lower case, words
 * in brackets or parentheses dropped, marks, symbols and punctuation made spaces (diacritics kept, as letters
 * composed by NFKC), runs of white space made one space.
 */
public final class BasicTextNormalizer {
    private static final Pattern BRACKETED = Pattern.compile("[<\\[][^>\\]]*[>\\]]");
    private static final Pattern PARENTHESISED = Pattern.compile("\\(([^)]+?)\\)");
    private static final Pattern SPACES = Pattern.compile("[\\s\\x1c-\\x1f]+");

    public String normalize(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        s = BRACKETED.matcher(s).replaceAll("");
        s = PARENTHESISED.matcher(s).replaceAll("");
        StringBuilder out = new StringBuilder();
        // by code point, as Python does
        Normalizer.normalize(s, Normalizer.Form.NFKC).codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (type == Character.NON_SPACING_MARK || EnglishTextNormalizer.isMarkSymbolOrPunctuation(type)) {
                out.append(' ');
            } else {
                out.appendCodePoint(c);
            }
        });
        return SPACES.matcher(out.toString().toLowerCase(Locale.ROOT)).replaceAll(" ");
    }
}
