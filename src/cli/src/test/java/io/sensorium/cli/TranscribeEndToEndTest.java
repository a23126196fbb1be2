package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.kafka.TestKafka;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.FeatureChunkSerde;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.ingest.audio.AudioDecoder;
import io.sensorium.processors.features.FeatureTopology;
import io.sensorium.processors.features.LogMelSpectrogram;
import io.sensorium.processors.speech.SpeechEngine;
import io.sensorium.processors.speech.SpeechTopology;
import io.sensorium.processors.speech.whisper.WhisperTranscriber;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sensorium transcribe} against a real Kafka broker: two streams at once — jfk.wav (one window) and 33 s of
 * it repeated (several windows) — through ingest, the feature preprocessor and the speech processor, as Kafka
 * Streams applications. The transcripts topic must hold, per stream and in order, exactly the segments the same
 * model gives for the same audio outside Kafka, each once, then the stream's end marker.
 */
class TranscribeEndToEndTest {

    @Test
    void twoStreamsAtOnceGiveTheirSegmentsInOrderExactlyOnce(@TempDir Path dir) throws Exception {
        Path short_ = TestPipeline.fixture("audio/jfk.wav");
        Path long_ = TestPipeline.writeWav(dir.resolve("jfk-x3.wav"), repeat(AudioDecoder.decodeAll(short_, 16_000), 3));
        Map<String, String> settings = TestPipeline.isolatedSettings();
        // The offline transcription below has no VAD gate, which drops the random model's text after the audio's
        // end (HallucinationTest covers the gate).
        settings.put("speech.vad", "false");
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings,
                List.of(short_.toString(), long_.toString()));
        assertThat(run.exit()).isZero();
        // Its stages' members left their groups as it ended: a next run in them gets the partitions at once.
        assertThat(members(settings)).isEqualTo(Map.of(FeatureTopology.STAGE, 0, SpeechTopology.STAGE, 0));

        SensoriumConfig config = TestPipeline.config(settings);
        Map<String, List<TranscriptSegment>> expected = new HashMap<>();
        try (SpeechEngine engine = SpeechEngine.open(config)) {
            expected.put("jfk.wav", offline(engine, short_));
            expected.put("jfk-x3.wav", offline(engine, long_));
        }
        assertThat(expected.get("jfk-x3.wav").size()).isGreaterThan(expected.get("jfk.wav").size());

        int total = expected.values().stream().mapToInt(List::size).sum() + 2;
        List<ConsumerRecord<String, byte[]>> records = TestPipeline.readAll(config.topics().transcripts(), total, Duration.ofSeconds(30));
        assertThat(records).hasSize(total);
        Map<String, List<Object>> byStream = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            byStream.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(TranscriptJson.read(record.value()));
        }
        for (var stream : expected.entrySet()) {
            List<Object> got = byStream.get(stream.getKey());
            List<TranscriptSegment> want = stream.getValue();
            assertThat(got).hasSize(want.size() + 1);
            for (int i = 0; i < want.size(); i++) {
                TranscriptSegment segment = (TranscriptSegment) got.get(i);
                assertThat(segment.segment()).isEqualTo(i);
                assertThat(segment.tokens()).isEqualTo(want.get(i).tokens());
                assertThat(segment.start()).isCloseTo(want.get(i).start(), org.assertj.core.data.Offset.offset(1e-6));
                assertThat(segment.end()).isCloseTo(want.get(i).end(), org.assertj.core.data.Offset.offset(1e-6));
                assertThat(segment.text()).isEqualTo(want.get(i).text());
            }
            assertThat(got.get(want.size())).isInstanceOf(TranscriptEnd.class);
            assertThat(((TranscriptEnd) got.get(want.size())).segments()).isEqualTo(want.size());
        }
        String[] lines = run.stdout().strip().split("\n");
        assertThat(lines).hasSize(total - 2);
        for (String line : lines) {
            assertThat(TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8))).isInstanceOf(TranscriptSegment.class);
        }
    }

    /** The members in each speech-path stage's group now. */
    private static Map<String, Integer> members(Map<String, String> settings) throws Exception {
        SensoriumConfig.Kafka kafka = TestPipeline.config(settings).kafka();
        Map<String, Integer> members = new HashMap<>();
        try (Admin admin = TestKafka.connection().admin()) {
            for (String stage : List.of(FeatureTopology.STAGE, SpeechTopology.STAGE)) {
                String group = StreamsStage.applicationId(kafka, stage);
                members.put(stage, admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size());
            }
        }
        return members;
    }

    /**
     * The same audio through the same model without Kafka: whole-file features (16-bit as the features topic carries
     * them), 30 s windows, Whisper's seek.
     */
    private static List<TranscriptSegment> offline(SpeechEngine engine, Path file) throws Exception {
        short[] pcm = AudioDecoder.decodeAll(file, 16_000);
        float[] signal = new float[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            signal[i] = pcm[i] / 32768f;
        }
        float[][] frames = new LogMelSpectrogram(80).compute(signal);
        FeatureChunkSerde serde = new FeatureChunkSerde(Integer.MAX_VALUE);
        FeatureChunk chunk = new FeatureChunk("s", 0, 0, 80, pcm.length, true, frames);
        RecordHeaders headers = new RecordHeaders();
        serde.writeHeaders(chunk, headers);
        float[][] stored = serde.read("s", serde.value(chunk), headers).frames();

        List<TranscriptSegment> segments = new ArrayList<>();
        long content = pcm.length / 160;
        long seek = 0;
        int[] context = engine.initialContext();
        while (seek < content) {
            float[][] window = new float[3000][];
            for (int t = 0; t < 3000; t++) {
                long f = seek + t;
                window[t] = f < stored.length ? stored[(int) f].clone() : silence();
            }
            int size = (int) Math.min(3000, content - seek);
            WhisperTranscriber.WindowTranscript transcript = engine.transcribe(window, size, null, context);
            context = engine.nextContext(context, transcript, transcript.segments());
            for (WhisperTranscriber.Segment s : transcript.segments()) {
                segments.add(TranscriptSegment.of("", segments.size(), seek / 100.0 + s.start(), seek / 100.0 + s.end(),
                        engine.text(s.tokens()), Arrays.stream(s.tokens()).boxed().toList(), transcript.avgLogprob(),
                        engine.modelName(), transcript.language(), null));
            }
            seek += transcript.advanceFrames();
        }
        return segments;
    }

    private static float[] silence() {
        float[] frame = new float[80];
        Arrays.fill(frame, LogMelSpectrogram.SILENCE);
        return frame;
    }

    private static short[] repeat(short[] pcm, int times) {
        short[] out = new short[pcm.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(pcm, 0, out, i * pcm.length, pcm.length);
        }
        return out;
    }
}
