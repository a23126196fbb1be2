package io.sensorium.core.records;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The last record of a camera's stream on the events topic (type {@code stream-end}): the end events of its objects
 * precede it.
 *
 * @param frames how many frames the stream had
 */
@JsonPropertyOrder({"schema", "type", "stream", "frames"})
public record EventsEnd(String schema, String type, String stream, long frames) {
    public static final String TYPE = "stream-end";

    public static EventsEnd of(String stream, long frames) {
        return new EventsEnd(TrackEvent.SCHEMA, TYPE, stream, frames);
    }
}
