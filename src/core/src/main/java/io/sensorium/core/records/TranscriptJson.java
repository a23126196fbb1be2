package io.sensorium.core.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** JSON encoding of the transcripts topic's values: {@link TranscriptSegment} and {@link TranscriptEnd}. */
public final class TranscriptJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private TranscriptJson() {}

    public static byte[] write(Object transcriptRecord) {
        try {
            return MAPPER.writeValueAsBytes(transcriptRecord);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + transcriptRecord, e);
        }
    }

    public static String writeString(Object transcriptRecord) {
        return new String(write(transcriptRecord), StandardCharsets.UTF_8);
    }

    /** @return a {@link TranscriptSegment} or a {@link TranscriptEnd}, by the record's {@code type} */
    public static Object read(byte[] value) {
        try {
            JsonNode node = MAPPER.readTree(value);
            String type = node.path("type").asText();
            return switch (type) {
                case TranscriptSegment.TYPE -> MAPPER.treeToValue(node, TranscriptSegment.class);
                case TranscriptEnd.TYPE -> MAPPER.treeToValue(node, TranscriptEnd.class);
                default -> throw new InvalidRecordException("unknown transcript record type '" + type + "'");
            };
        } catch (IOException e) {
            throw new UncheckedIOException("not a transcript record", e);
        }
    }
}
