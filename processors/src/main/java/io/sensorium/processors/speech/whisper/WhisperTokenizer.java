package io.sensorium.processors.speech.whisper;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorium.processors.onnx.ModelException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whisper's byte-level BPE tokenizer, read from a Hugging Face {@code tokenizer.json}: GPT-2's pre-tokenizer split,
 * bytes mapped to printable characters, merges applied by rank, special tokens from {@code added_tokens}. Timestamp
 * tokens follow {@code <|notimestamps|>} at 0.02 s steps whether or not the file lists them. Thread-safe.
 */
public final class WhisperTokenizer {
    private static final Pattern SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Encoding a word again costs microseconds; the common ones are back in the cache within a few sentences. */
    static final int WORD_CACHE_LIMIT = 50_000;
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final Map<Character, Integer> CHAR_TO_BYTE = new HashMap<>();

    static {
        // GPT-2's bytes_to_unicode: printable bytes stand for themselves, the rest are shifted past U+0100.
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = (char) (printable ? b : 256 + shifted++);
            CHAR_TO_BYTE.put(BYTE_TO_CHAR[b], b);
        }
    }

    private final String[] tokens;
    /** The vocabulary's token for each byte, where a word's merges start. */
    private final int[] byteTokens = new int[256];
    private final BpeMerges merges;
    private final Map<String, Integer> specials;
    private final Pattern specialPattern;
    private final boolean[] special;
    private final int noTimestamps;
    /**
     * Words encoded before, emptied once it holds {@link #WORD_CACHE_LIMIT}: a live stage encodes every final and
     * prompt it makes for weeks on end, and its distinct words (names, numbers, other languages) would otherwise
     * pile up for good (some 100 bytes each).
     */
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

    /** @param merges each merge's two tokens, in rank order */
    private WhisperTokenizer(Map<String, Integer> vocab, List<String[]> merges, Map<String, Integer> specials) {
        this.specials = specials;
        // Longest first, so that a special token that starts another is not matched in its place.
        this.specialPattern = Pattern.compile(specials.keySet().stream()
                .sorted(java.util.Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote)
                .collect(java.util.stream.Collectors.joining("|")));
        int size = 1 + Math.max(vocab.values().stream().mapToInt(Integer::intValue).max().orElse(0),
                specials.values().stream().mapToInt(Integer::intValue).max().orElse(0));
        this.tokens = new String[size];
        this.special = new boolean[size];
        vocab.forEach((token, id) -> tokens[id] = token);
        specials.forEach((token, id) -> {
            tokens[id] = token;
            special[id] = true;
        });
        Integer notimestamps = specials.get("<|notimestamps|>");
        if (notimestamps == null) {
            throw new ModelException("tokenizer.json has no <|notimestamps|> token: not a Whisper tokenizer");
        }
        this.noTimestamps = notimestamps;
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = token(vocab, String.valueOf(BYTE_TO_CHAR[b]), null);
        }
        this.merges = new BpeMerges(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] merge = merges.get(rank);
            this.merges.add(token(vocab, merge[0], merge), token(vocab, merge[1], merge), rank,
                    token(vocab, merge[0] + merge[1], merge));
        }
    }

    /**
     * The id of a token that BPE needs: one the vocabulary lacks is an inconsistent file, as Hugging Face says.
     *
     * @param merge the merge that needs it, or null for a byte's token
     */
    private static int token(Map<String, Integer> vocab, String token, String[] merge) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new ModelException("tokenizer.json's vocabulary lacks '" + token + "', which its "
                    + (merge == null ? "bytes need" : "merge '" + merge[0] + " " + merge[1] + "' needs")
                    + ": not a consistent byte-level BPE tokenizer");
        }
        return id;
    }

    public static WhisperTokenizer load(Path tokenizerJson) {
        // Read as a token stream, not a tree: the file has some 100,000 vocabulary entries and merges, and building
        // a tree of them first took half a second of every start-up.
        String type = null;
        Map<String, Integer> vocab = null;
        List<String[]> merges = new ArrayList<>();
        Map<String, Integer> specials = new HashMap<>();
        try (JsonParser json = JSON.createParser(tokenizerJson.toFile())) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new ModelException(tokenizerJson + " is not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (field.equals("model") && value == JsonToken.START_OBJECT) {
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String modelField = json.currentName();
                        JsonToken modelValue = json.nextToken();
                        if (modelField.equals("type")) {
                            type = json.getValueAsString();
                        } else if (modelField.equals("vocab") && modelValue == JsonToken.START_OBJECT) {
                            vocab = new HashMap<>();
                            while (json.nextToken() == JsonToken.FIELD_NAME) {
                                String token = json.currentName();
                                json.nextToken();
                                vocab.put(token, json.getIntValue());
                            }
                        } else if (modelField.equals("merges") && modelValue == JsonToken.START_ARRAY) {
                            readMerges(json, merges);
                        } else {
                            json.skipChildren();
                        }
                    }
                } else if (field.equals("added_tokens") && value == JsonToken.START_ARRAY) {
                    while (json.nextToken() == JsonToken.START_OBJECT) {
                        JsonNode added = json.readValueAsTree();
                        specials.put(added.path("content").asText(), added.path("id").asInt());
                    }
                } else {
                    json.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new ModelException(tokenizerJson + " is not readable JSON: " + e.getMessage(), e);
        }
        if (!"BPE".equals(type) || vocab == null) {
            throw new ModelException(tokenizerJson + " is not a byte-level BPE tokenizer (model.type must be BPE)");
        }
        return new WhisperTokenizer(vocab, merges, specials);
    }

    /** Older files write a merge as {@code "a b"}, newer ones as {@code ["a", "b"]}; a merge's rank is its index. */
    private static void readMerges(JsonParser json, List<String[]> merges) throws IOException {
        for (JsonToken merge = json.nextToken(); merge != JsonToken.END_ARRAY; merge = json.nextToken()) {
            if (merge == JsonToken.START_ARRAY) {
                json.nextToken();
                String left = json.getText();
                json.nextToken();
                merges.add(new String[] {left, json.getText()});
                json.nextToken();
            } else {
                String pair = json.getText();
                int space = pair.indexOf(' ');
                if (space < 0) {
                    throw new ModelException("tokenizer.json's merge '" + pair + "' is not two tokens");
                }
                merges.add(new String[] {pair.substring(0, space), pair.substring(space + 1)});
            }
        }
    }

    /**
     * Token ids of text. As Hugging Face tokenizers do, a special token's exact string in the text (such as
     * {@code <|endoftext|>}) becomes that token; no other special token is added.
     */
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        Matcher specialsInText = specialPattern.matcher(text);
        int from = 0;
        while (specialsInText.find()) {
            encodeText(text.substring(from, specialsInText.start()), ids);
            ids.add(specials.get(specialsInText.group()));
            from = specialsInText.end();
        }
        encodeText(text.substring(from), ids);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private void encodeText(String text, List<Integer> ids) {
        Matcher words = SPLIT.matcher(text);
        while (words.find()) {
            String word = words.group();
            int[] encoded = wordCache.get(word);
            if (encoded == null) {
                encoded = encodeWord(word);
                if (wordCache.size() >= WORD_CACHE_LIMIT) {
                    wordCache.clear();
                }
                wordCache.put(word, encoded);
            }
            for (int id : encoded) {
                ids.add(id);
            }
        }
    }

    private int[] encodeWord(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        int[] parts = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            parts[i] = byteTokens[bytes[i] & 0xFF];
        }
        int length = parts.length;
        while (length > 1) {
            int best = -1;
            long bestMerge = -1;
            for (int i = 0; i < length - 1; i++) {
                long merge = merges.find(parts[i], parts[i + 1]);
                if (merge >= 0 && (best < 0 || BpeMerges.rank(merge) < BpeMerges.rank(bestMerge))) {
                    best = i;
                    bestMerge = merge;
                }
            }
            if (best < 0) {
                break;
            }
            // Every occurrence of the best pair, left to right, in place: the merged list is never longer.
            int left = parts[best];
            int right = parts[best + 1];
            int merged = 0;
            for (int i = 0; i < length; i++) {
                if (i < length - 1 && parts[i] == left && parts[i + 1] == right) {
                    parts[merged++] = BpeMerges.token(bestMerge);
                    i++;
                } else {
                    parts[merged++] = parts[i];
                }
            }
            length = merged;
        }
        return Arrays.copyOf(parts, length);
    }

    /** Text of the ids, leaving out special and timestamp tokens (as {@code skip_special_tokens=True}). */
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (isSpecial(id) || isTimestamp(id) || id < 0 || id >= tokens.length || tokens[id] == null) {
                continue;
            }
            appendBytes(tokens[id], bytes);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Text with timestamp tokens rendered as {@code <|1.08|>} and other special tokens left out. */
    public String decodeWithTimestamps(int[] ids) {
        StringBuilder text = new StringBuilder();
        List<Integer> run = new ArrayList<>();
        for (int id : ids) {
            if (isTimestamp(id)) {
                text.append(decode(run.stream().mapToInt(Integer::intValue).toArray()));
                run.clear();
                text.append(String.format("<|%.2f|>", timestampSeconds(id)));
            } else {
                run.add(id);
            }
        }
        return text.append(decode(run.stream().mapToInt(Integer::intValue).toArray())).toString();
    }

    private static void appendBytes(String token, ByteArrayOutputStream bytes) {
        for (int i = 0; i < token.length(); i++) {
            Integer b = CHAR_TO_BYTE.get(token.charAt(i));
            if (b != null) {
                bytes.write(b);
            } else {
                bytes.writeBytes(String.valueOf(token.charAt(i)).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** How many words the cache holds. */
    int cachedWords() {
        return wordCache.size();
    }

    public OptionalInt specialTokenId(String token) {
        Integer id = specials.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    public int endOfText() {
        return required("<|endoftext|>");
    }

    public int startOfTranscript() {
        return required("<|startoftranscript|>");
    }

    public int noTimestamps() {
        return noTimestamps;
    }

    public int timestampBegin() {
        return noTimestamps + 1;
    }

    public int transcribe() {
        return required("<|transcribe|>");
    }

    public int translate() {
        return required("<|translate|>");
    }

    public OptionalInt language(String code) {
        return specialTokenId("<|" + code + "|>");
    }

    public boolean isTimestamp(int id) {
        return id >= timestampBegin();
    }

    public boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    /** Seconds a timestamp token stands for, from the start of its window. */
    public double timestampSeconds(int id) {
        return (id - timestampBegin()) * 0.02;
    }

    private int required(String token) {
        Integer id = specials.get(token);
        if (id == null) {
            throw new ModelException("tokenizer.json has no " + token + " token");
        }
        return id;
    }
}
