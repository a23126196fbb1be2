package io.sensorium.core.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One transcript segment, the value of a transcripts-topic record of type {@code segment}. Times are seconds from
 * the start of the stream. See RECORD-FORMATS.md for the JSON schema.
 */
@JsonPropertyOrder({"schema", "type", "stream", "segment", "start", "end", "text", "tokens", "avg_logprob", "model",
        "language", "language_probability", "words", "final"})
public record TranscriptSegment(String schema, String type, String stream, int segment, double start, double end,
                                String text, List<Integer> tokens, double avgLogprob, String model, String language,
                                @JsonInclude(JsonInclude.Include.NON_NULL) Double languageProbability,
                                @JsonInclude(JsonInclude.Include.NON_NULL) List<TranscriptWord> words,
                                @com.fasterxml.jackson.annotation.JsonProperty("final") boolean isFinal) {
    public static final String SCHEMA = "transcript/1";
    public static final String TYPE = "segment";

    /**
     * @param language            the stream's language (English for English-only models)
     * @param languageProbability how sure detection on the stream's first window was of it; null when it was given
     */
    public static TranscriptSegment of(String stream, int segment, double start, double end, String text,
                                       List<Integer> tokens, double avgLogprob, String model, String language,
                                       Double languageProbability) {
        return new TranscriptSegment(SCHEMA, TYPE, stream, segment, start, end, text, List.copyOf(tokens), avgLogprob,
                model, language, languageProbability, null, true);
    }

    /** The same segment with its words (speech.word-timestamps). */
    public TranscriptSegment withWords(List<TranscriptWord> found) {
        return new TranscriptSegment(schema, type, stream, segment, start, end, text, tokens, avgLogprob, model,
                language, languageProbability, List.copyOf(found), isFinal);
    }
}
