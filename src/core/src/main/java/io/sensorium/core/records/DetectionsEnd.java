package io.sensorium.core.records;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The last record of a stream on the detections topic (type {@code end}): every frame's record precedes it.
 *
 * @param frames how many frames the stream had
 */
@JsonPropertyOrder({"schema", "type", "stream", "frames"})
public record DetectionsEnd(String schema, String type, String stream, long frames) {
    public static final String TYPE = "end";

    public static DetectionsEnd of(String stream, long frames) {
        return new DetectionsEnd(FrameDetections.SCHEMA, TYPE, stream, frames);
    }
}
