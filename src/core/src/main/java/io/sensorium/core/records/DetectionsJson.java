package io.sensorium.core.records;

import java.util.Map;

/** Reads the detections topic's values: {@link FrameDetections} and {@link DetectionsEnd} (written by {@link JsonRecords}). */
public final class DetectionsJson {
    private static final Map<String, Class<?>> TYPES =
            Map.of(FrameDetections.TYPE, FrameDetections.class, DetectionsEnd.TYPE, DetectionsEnd.class);

    private DetectionsJson() {}

    /** @return a {@link FrameDetections} or a {@link DetectionsEnd}, by the record's {@code type} */
    public static Object read(byte[] value) {
        return JsonRecords.read(value, "detections", TYPES);
    }
}
