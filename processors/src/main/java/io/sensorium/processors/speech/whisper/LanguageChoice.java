package io.sensorium.processors.speech.whisper;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which language a multilingual Whisper is told its audio is in: one pinned ({@code de}), or detected on a stream's
 * first window among a set ({@code en,de,fr}) or among all the model's languages ({@code auto}). English-only
 * models know English alone.
 *
 * @param codes the languages to choose among, in the user's order; empty for all of the model's
 */
public record LanguageChoice(List<String> codes) {
    public static final LanguageChoice AUTO = new LanguageChoice(List.of());
    private static final Pattern CODE = Pattern.compile("[a-z]{2,3}");

    public LanguageChoice {
        codes = List.copyOf(codes);
    }

    /**
     * {@code auto} (or blank), one language code, or codes separated by commas.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static LanguageChoice parse(String setting) {
        if (setting == null || setting.isBlank() || setting.strip().equals("auto")) {
            return AUTO;
        }
        List<String> codes = new ArrayList<>();
        for (String part : setting.split(",", -1)) {
            String code = part.strip();
            if (!CODE.matcher(code).matches()) {
                throw new IllegalArgumentException("a language is 'auto', a code such as 'de', or codes such as"
                        + " 'en,de,fr', not '" + setting + "'");
            }
            if (!codes.contains(code)) {
                codes.add(code);
            }
        }
        return new LanguageChoice(codes);
    }

    /** The one language transcribed, or null when it is detected. */
    public String pinned() {
        return codes.size() == 1 ? codes.get(0) : null;
    }

    @Override
    public String toString() {
        return codes.isEmpty() ? "auto" : String.join(",", codes);
    }
}
