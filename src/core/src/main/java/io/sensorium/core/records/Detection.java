package io.sensorium.core.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One detected object, or one label of an image classification (then without a box).
 *
 * @param label   the model's name for the class ({@code id2label})
 * @param labelId the class index
 * @param score   probability, 0 to 1
 * @param box     {@code [x1, y1, x2, y2]} in the original frame's pixels (top-left origin), or null
 * @param trackId the object's id across the camera's frames (vision.tracking), or null where it has none
 */
@JsonPropertyOrder({"label", "label_id", "score", "box", "track_id"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Detection(String label, int labelId, double score, List<Double> box, Long trackId) {
    /** Scores to 1e-6 and boxes to 0.01 px: more digits are noise in JSON that people and tools read. */
    public Detection {
        score = Math.round(score * 1e6) / 1e6;
        box = box == null ? null : box.stream().map(v -> Math.round(v * 100) / 100.0).toList();
    }

    /** A detection no tracker has seen. */
    public Detection(String label, int labelId, double score, List<Double> box) {
        this(label, labelId, score, box, null);
    }

    public Detection withTrackId(long id) {
        return new Detection(label, labelId, score, box, id);
    }
}
