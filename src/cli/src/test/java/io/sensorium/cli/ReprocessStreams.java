package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.kafka.TestKafka;
import io.sensorium.core.records.AudioChunk;
import io.sensorium.core.records.AudioChunkSerde;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.assertj.core.data.Offset;

/** What the reprocessing tests share: a stream cut off without its end marker, and transcripts compared by stream. */
final class ReprocessStreams {
    /** A stream whose writer went away: its first 6 s of audio, and no end marker. */
    static final String CUT = "cut";
    static final String CUT_REFERENCE = "cut-reference.wav";
    static final int CUT_SAMPLES = 6 * 16_000;
    private static final int CHUNK_SAMPLES = 8_000;

    private ReprocessStreams() {}

    static void publishCut(String topic, short[] pcm) throws Exception {
        AudioChunkSerde serde = new AudioChunkSerde(Integer.MAX_VALUE);
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(TestKafka.connection())) {
            for (int seq = 0; seq * CHUNK_SAMPLES < CUT_SAMPLES; seq++) {
                AudioChunk chunk = new AudioChunk(CUT, seq, (long) seq * CHUNK_SAMPLES, 16_000, false,
                        Arrays.copyOfRange(pcm, seq * CHUNK_SAMPLES, (seq + 1) * CHUNK_SAMPLES));
                RecordHeaders headers = new RecordHeaders();
                serde.writeHeaders(chunk, headers);
                producer.send(new ProducerRecord<>(topic, null, CUT, serde.value(chunk), headers)).get();
            }
        }
    }

    /** A transcripts topic's records by stream, read until {@code streams} end markers have come. */
    static Map<String, List<Object>> byStream(String topic, int streams) {
        return byStream(topic, streams, TranscriptJson::read, TranscriptEnd.class);
    }

    /** An output topic's records by stream, decoded by {@code reader}, read until {@code streams} of {@code end} have come. */
    static Map<String, List<Object>> byStream(String topic, int streams, Function<byte[], Object> reader, Class<?> end) {
        List<ConsumerRecord<String, byte[]>> records = TestPipeline.readUntil(topic,
                read -> read.stream().filter(r -> end.isInstance(reader.apply(r.value()))).count() >= streams,
                Duration.ofSeconds(120));
        Map<String, List<Object>> byStream = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            byStream.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(reader.apply(record.value()));
        }
        return byStream;
    }

    /** The segments and end marker of each of {@code streams}, once each, as {@code transcribe} gave them. */
    static void assertSameAs(Map<String, List<Object>> got, Map<String, List<Object>> transcribed, List<String> streams) {
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(streams);
        for (String stream : streams) {
            List<Object> want = transcribed.get(reference(stream));
            List<Object> have = got.get(stream);
            assertThat(have).as(stream).hasSameSizeAs(want);
            for (int i = 0; i < want.size(); i++) {
                if (want.get(i) instanceof TranscriptSegment segment) {
                    TranscriptSegment other = (TranscriptSegment) have.get(i);
                    assertThat(other.segment()).isEqualTo(segment.segment());
                    assertThat(other.tokens()).isEqualTo(segment.tokens());
                    assertThat(other.text()).isEqualTo(segment.text());
                    assertThat(other.start()).isCloseTo(segment.start(), Offset.offset(1e-6));
                    assertThat(other.end()).isCloseTo(segment.end(), Offset.offset(1e-6));
                    assertThat(other.model()).isEqualTo(segment.model());
                } else {
                    TranscriptEnd end = (TranscriptEnd) want.get(i);
                    assertThat(have.get(i)).isEqualTo(TranscriptEnd.of(stream, end.segments(), end.duration()));
                }
            }
        }
    }

    /** How many records {@code streams} have on a transcripts topic. */
    static int records(Map<String, List<Object>> transcribed, List<String> streams) {
        return streams.stream().mapToInt(stream -> transcribed.get(reference(stream)).size()).sum();
    }

    private static String reference(String stream) {
        return stream.equals(CUT) ? CUT_REFERENCE : stream;
    }
}
