package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptPartial;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.processors.speech.text.EnglishTextNormalizer;
import io.sensorium.processors.speech.text.WordErrorRate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reading and checking what the live speech stage wrote: each stream's records, its finals and their words. */
final class LiveTranscripts {
    private static final EnglishTextNormalizer NORMALIZER = new EnglishTextNormalizer();

    private LiveTranscripts() {}

    /** The transcripts topic's records of each stream, read (committed only) until every one has its end marker. */
    static Map<String, List<Object>> byStream(String topic, List<String> streams) {
        List<ConsumerRecord<String, byte[]>> records = TestPipeline.readUntil(topic, read -> read.stream()
                .filter(record -> TranscriptJson.read(record.value()) instanceof TranscriptEnd).count() >= streams.size(),
                Duration.ofSeconds(30));
        Map<String, List<Object>> byStream = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            byStream.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(TranscriptJson.read(record.value()));
        }
        assertThat(byStream).containsOnlyKeys(streams);
        byStream.forEach((stream, list) -> {
            assertThat(list).as(stream).allMatch(record -> streamOf(record).equals(stream));
            assertThat(list.get(list.size() - 1)).as("%s ends with its end marker", stream).isInstanceOf(TranscriptEnd.class);
        });
        return byStream;
    }

    static List<TranscriptSegment> finals(List<Object> records) {
        return records.stream().filter(TranscriptSegment.class::isInstance).map(TranscriptSegment.class::cast).toList();
    }

    static List<TranscriptPartial> partials(List<Object> records) {
        return records.stream().filter(TranscriptPartial.class::isInstance).map(TranscriptPartial.class::cast).toList();
    }

    /**
     * Checks that the finals are numbered on, in order, without overlap and within the audio.
     *
     * @return their words, after Whisper's normalisation
     */
    static List<String> finalWords(List<TranscriptSegment> finals, double duration) {
        double previousEnd = 0;
        for (int i = 0; i < finals.size(); i++) {
            TranscriptSegment segment = finals.get(i);
            assertThat(segment.segment()).isEqualTo(i);
            assertThat(segment.isFinal()).isTrue();
            assertThat(segment.start()).as("in order, no overlap: %s", segment).isGreaterThanOrEqualTo(previousEnd);
            assertThat(segment.end()).as("within the audio: %s", segment)
                    .isGreaterThanOrEqualTo(segment.start()).isLessThanOrEqualTo(duration);
            previousEnd = segment.end();
        }
        return words(finals.stream().map(TranscriptSegment::text).collect(Collectors.joining()));
    }

    /**
     * The offline words, each once: none lost or repeated at a seam. A word confirmed early, from two transcriptions
     * half a second apart that heard only its start, may differ ("asked" for "ask"): at most one.
     */
    static void assertOfflineWords(List<String> streamed, List<String> offline) {
        assertThat(streamed).as("as many words as offline").hasSameSizeAs(offline);
        assertThat(WordErrorRate.of(String.join(" ", offline), String.join(" ", streamed)).errors()).as("%s", streamed)
                .isLessThanOrEqualTo(1);
    }

    /** Finals of jfk.wav in order, within the audio, whose words are its offline transcript's, each once. */
    static void assertJfkWords(List<TranscriptSegment> finals) {
        assertOfflineWords(finalWords(finals, JfkSample.SECONDS), words(JfkSample.TRANSCRIPT));
    }

    /** A text's words after Whisper's normalisation. */
    static List<String> words(String text) {
        String normalized = NORMALIZER.normalize(text).strip();
        return normalized.isEmpty() ? List.of() : List.of(normalized.split("\\s+"));
    }

    private static String streamOf(Object record) {
        if (record instanceof TranscriptSegment segment) {
            return segment.stream();
        }
        if (record instanceof TranscriptPartial partial) {
            return partial.stream();
        }
        return ((TranscriptEnd) record).stream();
    }
}
