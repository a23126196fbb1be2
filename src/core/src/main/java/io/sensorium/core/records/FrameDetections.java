package io.sensorium.core.records;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What a vision model found in one frame, the value of a detections-topic record of type {@code detections}.
 * See RECORD-FORMATS.md for the JSON schema.
 *
 * @param task         {@code object-detection} (detections have boxes) or {@code image-classification} (top labels)
 * @param timestamp    the frame's presentation time in seconds from the start of its source
 * @param capturedAtMs when ingest read the frame from its source (epoch milliseconds, the frame record's Kafka
 *                     timestamp): with the time a record arrives, how far behind the camera the results are
 * @param detections   best first
 */
@JsonPropertyOrder({"schema", "type", "stream", "frame", "timestamp", "captured_at_ms", "model", "task", "width",
        "height", "detections"})
public record FrameDetections(String schema, String type, String stream, long frame, double timestamp,
                              long capturedAtMs, String model, String task, int width, int height,
                              List<Detection> detections) {
    public static final String SCHEMA = "detections/1";
    public static final String TYPE = "detections";
    public static final String OBJECT_DETECTION = "object-detection";
    public static final String IMAGE_CLASSIFICATION = "image-classification";

    public static FrameDetections of(String stream, long frame, double timestamp, long capturedAtMs, String model,
                                     String task, int width, int height, List<Detection> detections) {
        return new FrameDetections(SCHEMA, TYPE, stream, frame, timestamp, capturedAtMs, model, task, width, height,
                List.copyOf(detections));
    }
}
