package io.sensorium.core.records;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The unconfirmed tail of a live stream's transcript (type {@code partial}): it replaces the stream's previous
 * partial, and an empty text clears it. See RECORD-FORMATS.md.
 *
 * @param revision grows with each new partial of the stream, so a reader drops one older than what it shows
 * @param start    where the partial's words begin, seconds from the start of the stream
 * @param end      where they end
 */
@JsonPropertyOrder({"schema", "type", "stream", "revision", "start", "end", "text"})
public record TranscriptPartial(String schema, String type, String stream, long revision, double start, double end,
                                String text) {
    public static final String TYPE = "partial";

    public static TranscriptPartial of(String stream, long revision, double start, double end, String text) {
        return new TranscriptPartial(TranscriptSegment.SCHEMA, TYPE, stream, revision, start, end, text);
    }
}
