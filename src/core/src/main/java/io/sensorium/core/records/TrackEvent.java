package io.sensorium.core.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What happened to a tracked object of a camera, a record of the events topic. See RECORD-FORMATS.md.
 *
 * @param type         {@code new} (the object got its track id), {@code update} (it is still seen), {@code end}
 *                     (its track ended: unseen for longer than the lost-track buffer, or its camera's stream ended),
 *                     {@code entered} or {@code left} (a zone of its camera)
 * @param zone         the zone entered or left; null for the other types
 * @param frame        the frame the event was found in: the object's first, its latest, or, for an end, the frame
 *                     that ended it
 * @param timestamp    that frame's presentation time, seconds from the start of the source
 * @param capturedAtMs when ingest read that frame (epoch milliseconds)
 * @param firstSeen    the presentation time of the object's first frame with its id
 * @param lastSeen     the presentation time of its latest frame with a detection
 * @param bestScore    its best detection score so far
 * @param label        the label of that best detection
 * @param box          its latest box, {@code [x1, y1, x2, y2]} in the frame's pixels
 */
@JsonPropertyOrder({"schema", "type", "stream", "track_id", "label", "label_id", "frame", "timestamp", "captured_at_ms",
        "first_seen", "last_seen", "best_score", "box", "zone"})
public record TrackEvent(String schema, String type, String stream, long trackId, String label, int labelId,
                         long frame, double timestamp, long capturedAtMs, double firstSeen, double lastSeen,
                         double bestScore, List<Double> box, @JsonInclude(JsonInclude.Include.NON_NULL) String zone) {
    public static final String SCHEMA = "event/1";
    public static final String NEW = "new";
    public static final String UPDATE = "update";
    public static final String END = "end";
    public static final String ENTERED = "entered";
    public static final String LEFT = "left";
}
