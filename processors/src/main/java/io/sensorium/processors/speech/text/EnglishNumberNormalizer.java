package io.sensorium.processors.speech.text;

import static io.sensorium.processors.speech.text.EnglishTextNormalizer.python;
import static io.sensorium.processors.speech.text.EnglishTextNormalizer.split;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whisper's EnglishNumberNormalizer (openai/whisper normalizers/english.py): spelled-out numbers become digits
 * ("twenty one" 21, "one oh one" 101, "twenty first" 21st), currency words become symbols in front ("twenty dollars"
 * $20, "two dollars and seven cents" $2.07), "percent" becomes %, "point" a decimal point, and "minus" or "plus" a
 * sign. Every other word is left as it is.
 *
 * <p>Ported rule for rule, quirks included ("nineth" is a number word, "ninth" is not), since word error rates are
 * only comparable with Whisper's when the normalised texts are the same.
 */
final class EnglishNumberNormalizer {
    private static final Set<String> ZEROS = Set.of("o", "oh", "zero");
    private static final Map<String, Integer> ONES = numbered("one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen");
    private static final Map<String, Suffixed<Integer>> ONES_SUFFIXED = onesSuffixed();
    private static final Map<String, Integer> TENS = Map.of("twenty", 20, "thirty", 30, "forty", 40, "fifty", 50,
            "sixty", 60, "seventy", 70, "eighty", 80, "ninety", 90);
    private static final Map<String, Suffixed<Integer>> TENS_SUFFIXED = tensSuffixed();
    private static final Map<String, BigInteger> MULTIPLIERS = multipliers();
    private static final Map<String, Suffixed<BigInteger>> MULTIPLIERS_SUFFIXED = multipliersSuffixed();
    /** Signs, applied to the number that follows. */
    private static final Map<String, String> PRECEDING_PREFIXERS = Map.of("minus", "-", "negative", "-", "plus", "+",
            "positive", "+");
    /** Currencies, written in front of the number that precedes them. */
    private static final Map<String, String> FOLLOWING_PREFIXERS = Map.of("pound", "£", "pounds", "£", "euro", "€",
            "euros", "€", "dollar", "$", "dollars", "$", "cent", "¢", "cents", "¢");
    private static final String PREFIXES = "-+£€$¢";
    private static final Set<String> SUFFIXERS = Set.of("per", "percent");
    private static final Set<String> SPECIALS = Set.of("and", "double", "triple", "point");
    private static final Set<String> WORDS = union(ZEROS, ONES.keySet(), ONES_SUFFIXED.keySet(), TENS.keySet(),
            TENS_SUFFIXED.keySet(), MULTIPLIERS.keySet(), MULTIPLIERS_SUFFIXED.keySet(), PRECEDING_PREFIXERS.keySet(),
            FOLLOWING_PREFIXERS.keySet(), SUFFIXERS, SPECIALS);
    /** The words that may follow "point". */
    private static final Set<String> DECIMALS = union(ONES.keySet(), TENS.keySet(), ZEROS);

    private static final Pattern NUMERIC = python("\\d+(\\.\\d+)?");
    /** What Python's Fraction parses among the strings built here: digits with at most one decimal point. */
    private static final Pattern FRACTION = python("(?=\\d|\\.\\d)\\d*(\\.\\d*)?");
    private static final Pattern AND_A_HALF = python("\\band\\s+a\\s+half\\b");
    private static final Pattern LETTER_DIGIT = python("([a-z])([0-9])");
    private static final Pattern DIGIT_LETTER = python("([0-9])([a-z])");
    private static final Pattern DIGIT_SUFFIX = python("([0-9])\\s+(st|nd|rd|th|s)\\b");
    private static final Pattern DOLLARS_AND_CENTS = python("([€£$])([0-9]+) (?:and )?¢([0-9]{1,2})\\b");
    /** Python's pattern, unescaped dot included: any character may stand between the 0 and the cents. */
    private static final Pattern ONLY_CENTS = python("[€£$]0.([0-9]{1,2})\\b");
    private static final Pattern ONE = python("\\b1(s?)\\b");

    private record Suffixed<N>(N value, String suffix) {}

    String normalize(String s) {
        List<String> words = new Conversion().convert(split(preprocess(s)));
        return postprocess(String.join(" ", words));
    }

    /** Spells "and a half" after a number as "point five", and splits digits from letters but not from suffixes. */
    private static String preprocess(String s) {
        List<String> results = new ArrayList<>();
        String[] segments = AND_A_HALF.split(s, -1);
        for (int i = 0; i < segments.length; i++) {
            List<String> words = split(segments[i]);
            if (words.isEmpty()) {
                continue; // the "and a half" before it goes too, as in Whisper
            }
            results.add(segments[i]);
            if (i < segments.length - 1) {
                String lastWord = words.get(words.size() - 1);
                boolean afterNumber = DECIMALS.contains(lastWord) || MULTIPLIERS.containsKey(lastWord);
                results.add(afterNumber ? "point five" : "and a half");
            }
        }
        s = String.join(" ", results);
        s = LETTER_DIGIT.matcher(s).replaceAll("$1 $2");
        s = DIGIT_LETTER.matcher(s).replaceAll("$1 $2");
        return DIGIT_SUFFIX.matcher(s).replaceAll("$1$2");
    }

    /** Folds cents into the amount before them ("$2 and ¢7" is $2.07), and writes a lone 1 as "one" again. */
    private static String postprocess(String s) {
        s = DOLLARS_AND_CENTS.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + "."
                + String.format(Locale.ROOT, "%02d", Integer.parseInt(m.group(3)))));
        s = ONLY_CENTS.matcher(s).replaceAll(m -> "¢" + Integer.parseInt(m.group(1)));
        return ONE.matcher(s).replaceAll("one$1");
    }

    /**
     * One pass over the words of a text (Python's process_words). The number being read is either an integer still
     * open to arithmetic ("twenty" then "one" add up to 21) or digits already written out, which later words only
     * append to ("one" then "two" are 12); Python tells the two apart by the type of its value, this by which field
     * is set.
     */
    private static final class Conversion {
        private final List<String> out = new ArrayList<>();
        /** The sign or currency symbol to write in front of the number being read. */
        private String prefix;
        private BigInteger number;
        private String digits;
        private boolean skipNext;

        List<String> convert(List<String> words) {
            for (int i = 0; i < words.size(); i++) {
                if (skipNext) {
                    skipNext = false;
                    continue;
                }
                // "" for Python's None at either end: no number word, and not numeric
                String prev = i > 0 ? words.get(i - 1) : "";
                String next = i + 1 < words.size() ? words.get(i + 1) : "";
                read(prev, words.get(i), next);
            }
            flush();
            return out;
        }

        private void read(String prev, String current, String next) {
            boolean hasPrefix = PREFIXES.indexOf(current.charAt(0)) >= 0;
            String unsigned = hasPrefix ? current.substring(1) : current;
            if (NUMERIC.matcher(unsigned).matches()) {
                readArabic(current, unsigned, hasPrefix);
            } else if (!WORDS.contains(current)) {
                flush();
                emit(current);
            } else if (ZEROS.contains(current)) {
                setDigits(valueOrEmpty() + "0");
            } else if (ONES.containsKey(current)) {
                addOnes(prev, ONES.get(current));
            } else if (ONES_SUFFIXED.containsKey(current)) {
                Suffixed<Integer> ones = ONES_SUFFIXED.get(current);
                addOnes(prev, ones.value());
                emit(value() + ones.suffix());
            } else if (TENS.containsKey(current)) {
                addTens(TENS.get(current));
            } else if (TENS_SUFFIXED.containsKey(current)) {
                Suffixed<Integer> tens = TENS_SUFFIXED.get(current);
                addTens(tens.value());
                emit(value() + tens.suffix());
            } else if (MULTIPLIERS.containsKey(current)) {
                multiply(MULTIPLIERS.get(current));
            } else if (MULTIPLIERS_SUFFIXED.containsKey(current)) {
                Suffixed<BigInteger> multiplier = MULTIPLIERS_SUFFIXED.get(current);
                multiply(multiplier.value());
                emit(value() + multiplier.suffix());
            } else if (PRECEDING_PREFIXERS.containsKey(current)) {
                readSign(current, next);
            } else if (FOLLOWING_PREFIXERS.containsKey(current)) {
                readCurrency(current);
            } else if (SUFFIXERS.contains(current)) {
                readPercent(current, next);
            } else {
                readSpecial(prev, current, next);
            }
        }

        /** Digits, perhaps after a currency symbol and perhaps with a decimal part. */
        private void readArabic(String current, String unsigned, boolean hasPrefix) {
            if (hasValue()) {
                if (digits != null && digits.endsWith(".")) {
                    digits += current; // the decimals after "point", or the next part of an address
                    return;
                }
                flush();
            }
            if (hasPrefix) {
                prefix = current.substring(0, 1);
            }
            BigDecimal fraction = toFraction(unsigned);
            if (isInteger(fraction)) {
                setNumber(fraction.toBigIntegerExact()); // "007" and "1.0" are read as 7 and 1
            } else {
                setDigits(unsigned);
            }
        }

        /** One to nineteen: adds to a round number, else is written after the digits so far. */
        private void addOnes(String prev, int ones) {
            if (!hasValue()) {
                setNumber(BigInteger.valueOf(ones));
            } else if (digits != null || ONES.containsKey(prev)) {
                String value = value();
                // after "twenty" the digit takes the place of the zero: "one oh twenty three" is 1023
                setDigits(TENS.containsKey(prev) && ones < 10
                        ? value.substring(0, value.length() - 1) + ones : value + ones);
            } else if (number.mod(BigInteger.valueOf(ones < 10 ? 10 : 100)).signum() == 0) {
                setNumber(number.add(BigInteger.valueOf(ones)));
            } else {
                setDigits(number.toString() + ones);
            }
        }

        /** Twenty to ninety: adds to a round hundred ("a hundred twenty"), else goes after ("nineteen fifty"). */
        private void addTens(int tens) {
            if (!hasValue()) {
                setNumber(BigInteger.valueOf(tens));
            } else if (digits != null) {
                setDigits(digits + tens);
            } else if (number.mod(BigInteger.valueOf(100)).signum() == 0) {
                setNumber(number.add(BigInteger.valueOf(tens)));
            } else {
                setDigits(number.toString() + tens);
            }
        }

        /** Hundred, thousand and up: multiplies what is below the last thousand ("two thousand five hundred"). */
        private void multiply(BigInteger multiplier) {
            if (!hasValue()) {
                setNumber(multiplier);
            } else if (digits != null || number.signum() == 0) {
                BigDecimal fraction = digits != null ? toFraction(digits) : BigDecimal.ZERO;
                BigDecimal product = fraction == null ? null : fraction.multiply(new BigDecimal(multiplier));
                if (isInteger(product)) {
                    setNumber(product.toBigIntegerExact()); // "one point five million" is 1500000
                } else {
                    flush();
                    setNumber(multiplier);
                }
            } else {
                BigInteger thousand = BigInteger.valueOf(1000);
                BigInteger[] aboveAndBelow = number.divideAndRemainder(thousand);
                setNumber(aboveAndBelow[0].multiply(thousand).add(aboveAndBelow[1].multiply(multiplier)));
            }
        }

        /** "minus" and "plus" sign the number only if one follows. */
        private void readSign(String current, String next) {
            flush();
            if (canBeNumeric(next)) {
                prefix = PRECEDING_PREFIXERS.get(current);
            } else {
                emit(current);
            }
        }

        /** "dollars" after a number puts $ in front of it; without one it stays a word. */
        private void readCurrency(String current) {
            if (hasValue()) {
                prefix = FOLLOWING_PREFIXERS.get(current);
                flush();
            } else {
                emit(current);
            }
        }

        /** "percent" or "per cent" after a number. */
        private void readPercent(String current, String next) {
            if (!hasValue()) {
                emit(current);
            } else if (current.equals("percent")) {
                emit(value() + "%");
            } else if (next.equals("cent")) {
                emit(value() + "%");
                skipNext = true;
            } else {
                flush();
                emit(current);
            }
        }

        /** "and", "double", "triple" and "point", which are part of a number only if one may follow. */
        private void readSpecial(String prev, String current, String next) {
            if (!canBeNumeric(next)) {
                flush();
                emit(current);
            } else if (current.equals("and")) {
                if (!MULTIPLIERS.containsKey(prev)) { // "one hundred and five" is 105
                    flush();
                    emit(current);
                }
            } else if (current.equals("point")) {
                // before a word like "hundred" it is dropped, as in Whisper
                if (DECIMALS.contains(next) || NUMERIC.matcher(next).matches()) {
                    setDigits(valueOrEmpty() + ".");
                }
            } else if (ONES.containsKey(next) || ZEROS.contains(next)) {
                int repeats = current.equals("double") ? 2 : 3;
                setDigits(valueOrEmpty() + String.valueOf(ONES.getOrDefault(next, 0)).repeat(repeats));
                skipNext = true;
            } else {
                flush();
                emit(current);
            }
        }

        private static boolean canBeNumeric(String word) {
            return WORDS.contains(word) || NUMERIC.matcher(word).matches();
        }

        private boolean hasValue() {
            return number != null || digits != null;
        }

        private String value() {
            return digits != null ? digits : number.toString();
        }

        /** Python's {@code str(value or "")}: nothing for no value and, being falsy, for the integer 0. */
        private String valueOrEmpty() {
            return digits != null ? digits : number != null && number.signum() != 0 ? number.toString() : "";
        }

        private void setNumber(BigInteger value) {
            number = value;
            digits = null;
        }

        private void setDigits(String value) {
            digits = value;
            number = null;
        }

        private void flush() {
            if (hasValue()) {
                emit(value());
            }
        }

        /** Writes a word with the pending sign or currency, and starts a new number. */
        private void emit(String word) {
            out.add(prefix == null ? word : prefix + word);
            prefix = null;
            number = null;
            digits = null;
        }
    }

    /** Python's Fraction(s), or null where it raises: digits in any script, at most one decimal point. */
    private static BigDecimal toFraction(String s) {
        if (!FRACTION.matcher(s).matches()) {
            return null;
        }
        StringBuilder ascii = new StringBuilder();
        s.codePoints().forEach(c -> ascii.append(c == '.' ? '.' : Character.forDigit(Character.digit(c, 10), 10)));
        return new BigDecimal(ascii.toString());
    }

    private static boolean isInteger(BigDecimal value) {
        return value != null && (value.signum() == 0 || value.stripTrailingZeros().scale() <= 0);
    }

    private static Map<String, Integer> numbered(String... names) {
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            map.put(names[i], i + 1);
        }
        return Map.copyOf(map);
    }

    /** Plurals ("sixes") and ordinals, the irregular ones listed; the rest add "th" ("nineth", not "ninth"). */
    private static Map<String, Suffixed<Integer>> onesSuffixed() {
        Map<String, Suffixed<Integer>> map = new HashMap<>();
        ONES.forEach((name, value) -> map.put(name.equals("six") ? "sixes" : name + "s", new Suffixed<>(value, "s")));
        map.put("zeroth", new Suffixed<>(0, "th"));
        map.put("first", new Suffixed<>(1, "st"));
        map.put("second", new Suffixed<>(2, "nd"));
        map.put("third", new Suffixed<>(3, "rd"));
        map.put("fifth", new Suffixed<>(5, "th"));
        map.put("twelfth", new Suffixed<>(12, "th"));
        ONES.forEach((name, value) -> {
            if (value > 3 && value != 5 && value != 12) {
                map.put(name + (name.endsWith("t") ? "h" : "th"), new Suffixed<>(value, "th"));
            }
        });
        return Map.copyOf(map);
    }

    private static Map<String, Suffixed<Integer>> tensSuffixed() {
        Map<String, Suffixed<Integer>> map = new HashMap<>();
        TENS.forEach((name, value) -> {
            map.put(name.replace("y", "ies"), new Suffixed<>(value, "s"));
            map.put(name.replace("y", "ieth"), new Suffixed<>(value, "th"));
        });
        return Map.copyOf(map);
    }

    private static Map<String, BigInteger> multipliers() {
        Map<String, Integer> powersOfTen = Map.ofEntries(Map.entry("hundred", 2), Map.entry("thousand", 3),
                Map.entry("million", 6), Map.entry("billion", 9), Map.entry("trillion", 12),
                Map.entry("quadrillion", 15), Map.entry("quintillion", 18), Map.entry("sextillion", 21),
                Map.entry("septillion", 24), Map.entry("octillion", 27), Map.entry("nonillion", 30),
                Map.entry("decillion", 33));
        Map<String, BigInteger> map = new HashMap<>();
        powersOfTen.forEach((name, power) -> map.put(name, BigInteger.TEN.pow(power)));
        return Map.copyOf(map);
    }

    private static Map<String, Suffixed<BigInteger>> multipliersSuffixed() {
        Map<String, Suffixed<BigInteger>> map = new HashMap<>();
        MULTIPLIERS.forEach((name, value) -> {
            map.put(name + "s", new Suffixed<>(value, "s"));
            map.put(name + "th", new Suffixed<>(value, "th"));
        });
        return Map.copyOf(map);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> union = new HashSet<>();
        Stream.of(sets).forEach(union::addAll);
        return Set.copyOf(union);
    }
}
