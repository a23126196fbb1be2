package io.sensorium.core.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The JSON encoding of Sensorium's output records (transcripts, detections): snake_case fields, and a {@code type}
 * field that says which record class a value is.
 */
public final class JsonRecords {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private JsonRecords() {}

    public static byte[] write(Object record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + record, e);
        }
    }

    public static String writeString(Object record) {
        return new String(write(record), StandardCharsets.UTF_8);
    }

    /** @throws InvalidRecordException when the value is not JSON of {@code type} */
    public static <T> T read(byte[] value, Class<T> type) {
        try {
            return MAPPER.readValue(value, type);
        } catch (IOException e) {
            throw new InvalidRecordException("not a " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * @param what  the kind of record, for the error message
     * @param types record class by the value's {@code type} field
     * @throws InvalidRecordException when the value is not JSON or has no known type
     */
    static Object read(byte[] value, String what, Map<String, Class<?>> types) {
        try {
            JsonNode node = MAPPER.readTree(value);
            String type = node.path("type").asText();
            Class<?> recordClass = types.get(type);
            if (recordClass == null) {
                throw new InvalidRecordException("unknown " + what + " record type '" + type + "'");
            }
            return MAPPER.treeToValue(node, recordClass);
        } catch (IOException e) {
            throw new InvalidRecordException("not a " + what + " record: " + e.getMessage());
        }
    }
}
