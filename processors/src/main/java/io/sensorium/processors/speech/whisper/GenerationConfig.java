package io.sensorium.processors.speech.whisper;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorium.processors.onnx.ModelException;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@code generation_config.json} says about decoding: the prompt's tokens, what to suppress, the timestamp
 * rules' parameters and the length limit.
 */
record GenerationConfig(int decoderStartTokenId, int eosTokenId, int noTimestampsTokenId, int[] suppressTokens,
                               int[] beginSuppressTokens, Integer maxInitialTimestampIndex, int maxLength,
                               boolean multilingual, Map<String, Integer> langToId, Map<String, Integer> taskToId) {

    static GenerationConfig parse(JsonNode json, String file) {
        int start = required(json, "decoder_start_token_id", file);
        JsonNode eos = json.path("eos_token_id");
        Map<String, Integer> langs = new HashMap<>();
        json.path("lang_to_id").fields().forEachRemaining(e -> langs.put(e.getKey(), e.getValue().asInt()));
        Map<String, Integer> tasks = new HashMap<>();
        json.path("task_to_id").fields().forEachRemaining(e -> tasks.put(e.getKey(), e.getValue().asInt()));
        return new GenerationConfig(start, eos.isArray() ? eos.get(0).asInt() : required(json, "eos_token_id", file),
                required(json, "no_timestamps_token_id", file), ints(json.path("suppress_tokens")),
                ints(json.path("begin_suppress_tokens")),
                json.hasNonNull("max_initial_timestamp_index") ? json.get("max_initial_timestamp_index").asInt() : null,
                json.path("max_length").asInt(448), json.path("is_multilingual").asBoolean(false), langs, tasks);
    }

    int timestampBegin() {
        return noTimestampsTokenId + 1;
    }

    private static int required(JsonNode json, String field, String file) {
        if (!json.hasNonNull(field)) {
            throw new ModelException(file + " lacks " + field);
        }
        return json.get(field).asInt();
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
