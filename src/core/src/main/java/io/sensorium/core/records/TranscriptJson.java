package io.sensorium.core.records;

import java.util.Map;

/**
 * Reads the transcripts topic's values: {@link TranscriptSegment}, {@link TranscriptPartial} and {@link TranscriptEnd}
 * (written by {@link JsonRecords}).
 */
public final class TranscriptJson {
    private static final Map<String, Class<?>> TYPES =
            Map.of(TranscriptSegment.TYPE, TranscriptSegment.class, TranscriptPartial.TYPE, TranscriptPartial.class,
                    TranscriptEnd.TYPE, TranscriptEnd.class);

    private TranscriptJson() {}

    /** @return a {@link TranscriptSegment}, {@link TranscriptPartial} or {@link TranscriptEnd}, by the record's {@code type} */
    public static Object read(byte[] value) {
        return JsonRecords.read(value, "transcript", TYPES);
    }
}
