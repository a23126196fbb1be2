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

    private final Map<String, Integer> vocab;
    private final String[] tokens;
    private final Map<String, Integer> mergeRanks;
    private final Map<String, Integer> specials;
    private final Pattern specialPattern;
    private final boolean[] special;
    private final int noTimestamps;
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

    private WhisperTokenizer(Map<String, Integer> vocab, Map<String, Integer> mergeRanks, Map<String, Integer> specials) {
        this.vocab = vocab;
        this.mergeRanks = mergeRanks;
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
    }

    public static WhisperTokenizer load(Path tokenizerJson) {
        // Read as a token stream, not a tree: the file has some 100,000 vocabulary entries and merges, and building
        // a tree of them first took half a second of every start-up.
        String type = null;
        Map<String, Integer> vocab = null;
        Map<String, Integer> ranks = new HashMap<>();
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
                            readMerges(json, ranks);
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
        return new WhisperTokenizer(vocab, ranks, specials);
    }

    /** Older files write a merge as {@code "a b"}, newer ones as {@code ["a", "b"]}; a merge's rank is its index. */
    private static void readMerges(JsonParser json, Map<String, Integer> ranks) throws IOException {
        int rank = 0;
        for (JsonToken merge = json.nextToken(); merge != JsonToken.END_ARRAY; merge = json.nextToken()) {
            String pair;
            if (merge == JsonToken.START_ARRAY) {
                json.nextToken();
                String left = json.getText();
                json.nextToken();
                pair = left + " " + json.getText();
                json.nextToken();
            } else {
                pair = json.getText();
            }
            ranks.put(pair, rank++);
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
            for (int id : wordCache.computeIfAbsent(words.group(), this::encodeWord)) {
                ids.add(id);
            }
        }
    }

    private int[] encodeWord(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        List<String> parts = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            parts.add(String.valueOf(BYTE_TO_CHAR[b & 0xFF]));
        }
        while (parts.size() > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i < parts.size() - 1; i++) {
                Integer r = mergeRanks.get(parts.get(i) + " " + parts.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            String merged = parts.get(best) + parts.get(best + 1);
            String left = parts.get(best);
            String right = parts.get(best + 1);
            List<String> next = new ArrayList<>(parts.size() - 1);
            for (int i = 0; i < parts.size(); i++) {
                if (i < parts.size() - 1 && parts.get(i).equals(left) && parts.get(i + 1).equals(right)) {
                    next.add(merged);
                    i++;
                } else {
                    next.add(parts.get(i));
                }
            }
            parts = next;
        }
        int[] ids = new int[parts.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocab.get(parts.get(i));
            if (id == null) {
                throw new IllegalStateException("BPE produced '" + parts.get(i) + "', which the vocabulary lacks");
            }
            ids[i] = id;
        }
        return ids;
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
