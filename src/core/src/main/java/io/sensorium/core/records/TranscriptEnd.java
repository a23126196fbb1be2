package io.sensorium.core.records;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The last record of a stream on the transcripts topic (type {@code end}): every segment of the stream precedes
 * it, so a reader knows the stream is done even when it held no speech.
 *
 * @param segments how many segments the stream produced
 * @param duration the stream's length in seconds
 */
@JsonPropertyOrder({"schema", "type", "stream", "segments", "duration"})
public record TranscriptEnd(String schema, String type, String stream, int segments, double duration) {
    public static final String TYPE = "end";

    public static TranscriptEnd of(String stream, int segments, double duration) {
        return new TranscriptEnd(TranscriptSegment.SCHEMA, TYPE, stream, segments, duration);
    }
}
