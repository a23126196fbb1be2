package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.DeadLetters;
import io.sensorium.core.kafka.KafkaConnection;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.kafka.TopicAdmin;
import io.sensorium.core.records.AudioChunk;
import io.sensorium.core.records.AudioChunkSerde;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.FeatureChunkSerde;
import io.sensorium.core.records.RecordHeaders;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.ingest.audio.AudioDecoder;
import io.sensorium.ingest.audio.AudioIngest;
import io.sensorium.processors.features.FeatureTopology;
import io.sensorium.processors.speech.SpeechEngine;
import io.sensorium.processors.speech.SpeechTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input on a real broker: each bad record reaches the dead-letter topic with its reason, and the good streams
 * beside it — and the rest of a stream one bad chunk came from — still end with their transcripts. A stream whose
 * last record is the bad one still ends, with what it had before, so nothing waits for its end for ever.
 */
class DeadLetterEndToEndTest {
    private static final int MAX_RECORD_BYTES = 40_000;

    @Test
    void badRecordsAreDeadLetteredAndEverythingElseGoesOn(@TempDir Path dir) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        settings.put("audio.max-record-bytes", Integer.toString(MAX_RECORD_BYTES));
        SensoriumConfig config = TestPipeline.config(settings);
        KafkaConnection connection = KafkaConnection.configured(config.kafka());
        TopicAdmin.ensureTopics(connection, KafkaCluster.speechTopics(config), 3, (short) -1,
                config.topics().retentionMs());
        AudioChunkSerde serde = new AudioChunkSerde(MAX_RECORD_BYTES);
        short[] jfk = AudioDecoder.decodeAll(TestPipeline.fixture("audio/jfk.wav"), 16_000);

        try (SpeechEngine engine = SpeechEngine.open(config);
             StreamsStage features = new StreamsStage(FeatureTopology.STAGE, FeatureTopology.build(config), config.kafka(), connection);
             StreamsStage speech = new StreamsStage(SpeechTopology.STAGE, SpeechTopology.build(config, engine), config.kafka(), connection);
             KafkaProducer<String, byte[]> producer = KafkaClients.producer(connection)) {
            features.start(Duration.ofMinutes(1));
            speech.start(Duration.ofMinutes(1));
            String audio = config.topics().audio();
            Consumer<ProducerRecord<String, byte[]>> send = record -> producer.send(record);

            // A good stream, published as ingest does.
            AudioIngest ingest = Ingests.audio(config, producer, AudioIngest.Reading.AS_IS);
            assertThat(ingest.publish("good", TestPipeline.fixture("audio/jfk.wav").toString()).ok()).isTrue();
            // A stream whose middle chunk is truncated to an odd number of bytes.
            send.accept(chunk(audio, serde, new AudioChunk("holey", 0, 0, 16_000, false, Arrays.copyOfRange(jfk, 0, 16_000)), null));
            send.accept(chunk(audio, serde, new AudioChunk("holey", 1, 16_000, 16_000, false, Arrays.copyOfRange(jfk, 16_000, 32_000)), 3));
            send.accept(chunk(audio, serde, new AudioChunk("holey", 2, 32_000, 16_000, true, Arrays.copyOfRange(jfk, 32_000, 48_000)), null));
            // A stream whose last chunk is the truncated one.
            send.accept(chunk(audio, serde, new AudioChunk("cut-short", 0, 0, 16_000, false, Arrays.copyOfRange(jfk, 0, 16_000)), null));
            send.accept(chunk(audio, serde, new AudioChunk("cut-short", 1, 16_000, 16_000, true, Arrays.copyOfRange(jfk, 16_000, 32_000)), 5));
            // Whole bad records.
            send.accept(chunk(audio, serde, new AudioChunk("resampled-not", 0, 0, 44_100, true, new short[4410]), null));
            ProducerRecord<String, byte[]> future = chunk(audio, serde, new AudioChunk("future", 0, 0, 16_000, true, new short[100]), null);
            RecordHeaders.put(future.headers(), RecordHeaders.SCHEMA, "audio-pcm16/2");
            send.accept(future);
            send.accept(chunk(audio, serde, new AudioChunk("oversized", 0, 0, 16_000, true, new short[MAX_RECORD_BYTES]), null));
            send.accept(new ProducerRecord<>(audio, "headless", new byte[320]));
            // Features of another model's size, straight onto the features topic.
            FeatureChunkSerde featureSerde = new FeatureChunkSerde(MAX_RECORD_BYTES);
            FeatureChunk wide = new FeatureChunk("wide", 0, 0, 128, 1600, true, new float[10][128]);
            ProducerRecord<String, byte[]> wideRecord = new ProducerRecord<>(config.topics().features(), "wide", featureSerde.value(wide));
            featureSerde.writeHeaders(wide, wideRecord.headers());
            send.accept(wideRecord);
            // A file that is not audio.
            Path garbage = Files.writeString(dir.resolve("garbage.wav"), "RIFF but then nothing of the sort ".repeat(20));
            AudioIngest.Result failed = ingest.publish("garbage", garbage.toString());
            assertThat(failed.ok()).isFalse();
            producer.flush();

            Map<String, String> reasons = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : TestPipeline.readAll(config.topics().deadLetters(), 8, Duration.ofSeconds(60))) {
                reasons.put(record.key(), RecordHeaders.text(record.headers(), DeadLetters.STAGE) + ": "
                        + RecordHeaders.text(record.headers(), DeadLetters.ERROR));
            }
            assertThat(reasons).hasSize(8);
            assertThat(reasons.get("holey")).startsWith("features: ").contains("not whole PCM16 samples");
            assertThat(reasons.get("cut-short")).startsWith("features: ").contains("not whole PCM16 samples");
            assertThat(reasons.get("resampled-not")).startsWith("features: ").contains("44100 Hz");
            assertThat(reasons.get("future")).contains("unsupported schema 'audio-pcm16/2'");
            assertThat(reasons.get("oversized")).contains("over the limit of 40000");
            assertThat(reasons.get("headless")).contains("missing header sensorium.schema");
            assertThat(reasons.get("wide")).startsWith("speech: ").contains("128 mel bins");
            assertThat(reasons.get("garbage")).startsWith("ingest-audio: ").contains("garbage.wav");

            Map<String, TranscriptEnd> ends = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : TestPipeline.readUntil(config.topics().transcripts(),
                    records -> records.stream().filter(r -> TranscriptJson.read(r.value()) instanceof TranscriptEnd).count() >= 7,
                    Duration.ofSeconds(30))) {
                if (TranscriptJson.read(record.value()) instanceof TranscriptEnd end) {
                    assertThat(ends.put(record.key(), end)).as("second end of " + record.key()).isNull();
                }
            }
            // Every stream whose last record carried the end-of-stream flag ends; only the headerless record's
            // stream cannot be known to have ended.
            assertThat(ends).containsOnlyKeys("good", "holey", "cut-short", "resampled-not", "future", "oversized", "wide");
            assertThat(ends.get("good").duration()).isEqualTo(11.0);
            // The truncated chunk's second is bridged with silence, so the stream keeps its length.
            assertThat(ends.get("holey").duration()).isEqualTo(3.0);
            // The dead-lettered last chunk's second is not: the stream ends with the audio it had.
            assertThat(ends.get("cut-short").duration()).isEqualTo(1.0);
            for (String empty : List.of("resampled-not", "future", "oversized", "wide")) {
                assertThat(ends.get(empty).segments()).as(empty).isZero();
            }
            assertThat(features.failed()).isFalse();
            assertThat(speech.failed()).isFalse();
        }
    }

    /** An audio-chunk record; {@code truncateTo} cuts its value short, as a broken producer would. */
    private static ProducerRecord<String, byte[]> chunk(String topic, AudioChunkSerde serde, AudioChunk chunk, Integer truncateTo) {
        byte[] value = serde.value(chunk);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, chunk.streamId(),
                truncateTo == null ? value : Arrays.copyOf(value, truncateTo));
        Headers headers = record.headers();
        serde.writeHeaders(chunk, headers);
        return record;
    }
}
