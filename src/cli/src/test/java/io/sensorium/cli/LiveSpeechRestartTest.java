package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptPartial;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.ingest.audio.AudioIngest;
import io.sensorium.processors.features.FeatureTopology;
import io.sensorium.processors.speech.SpeechEngine;
import io.sensorium.processors.speech.SpeechTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live speech stage (real tiny.en, a real broker) stopped in the middle of a live stream and started again
 * under the same application id — once on its own state directory, once on a fresh one that its changelogs
 * restore — goes on where it stopped: on the transcripts topic (committed records only) every final word comes
 * once, in order, the finals together are the offline transcript, and partial revisions keep growing.
 */
class LiveSpeechRestartTest {
    private static final int RATE = 16_000;
    private static final String STREAM = "jfk.wav";
    /** The second stop comes once a final reaches past this (s): in the middle of the sentence. */
    private static final double SECOND_STOP = 5.0;

    @Test
    void aRestartedSpeechStageGivesEveryFinalWordOnce(@TempDir Path dir) throws Exception {
        Path audio = TestPipeline.fixture("audio/jfk.wav");
        Map<String, String> settings = TestPipeline.isolatedSettings();
        settings.put("speech.model", TestPipeline.realTinyEn());
        settings.put("speech.threads", "2");
        settings.put("speech.live", "true");
        SensoriumConfig config = TestPipeline.config(settings);
        String transcripts = config.topics().transcripts();
        ExecutorService ingestThread = Executors.newSingleThreadExecutor();
        try (KafkaCluster cluster = KafkaCluster.connect(config, false);
             SpeechEngine engine = SpeechEngine.open(config);
             KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.connection())) {
            cluster.ensureTopics(config, KafkaCluster.speechTopics(config));
            SensoriumConfig withBins = config.withMelBins(engine.melBins());
            try (StreamsStage features = new StreamsStage(FeatureTopology.STAGE, FeatureTopology.build(withBins),
                    config.kafka(), cluster.connection())) {
                features.start(Duration.ofMinutes(2));
                // Live: the stage is stopped while the speaker is still speaking.
                AudioIngest ingest = Ingests.audio(withBins, producer, new AudioIngest.Reading(null, true));
                CompletableFuture<AudioIngest.Result> publishing =
                        CompletableFuture.supplyAsync(() -> ingest.publish(STREAM, audio.toString()), ingestThread);

                Path state = dir.resolve("state");
                int first = runSpeech(withBins, engine, cluster, state, records -> !LiveTranscripts.finals(records).isEmpty());
                runSpeech(withBins, engine, cluster, state, records -> {
                    List<TranscriptSegment> finals = LiveTranscripts.finals(records);
                    return finals.size() > first && finals.get(finals.size() - 1).end() > SECOND_STOP;
                });
                // A fresh state directory: the stream's state comes back from the changelogs.
                runSpeech(withBins, engine, cluster, dir.resolve("fresh-state"), LiveSpeechRestartTest::ended);
                assertThat(publishing.get(30, TimeUnit.SECONDS).ok()).isTrue();
            }
        } finally {
            ingestThread.shutdownNow();
        }

        List<Object> records = LiveTranscripts.byStream(transcripts, List.of(STREAM)).get(STREAM);
        List<TranscriptSegment> finals = LiveTranscripts.finals(records);
        LiveTranscripts.assertJfkWords(finals);
        assertThat(((TranscriptEnd) records.get(records.size() - 1)).segments()).isEqualTo(finals.size());
        List<Long> revisions = LiveTranscripts.partials(records).stream().map(TranscriptPartial::revision).toList();
        assertThat(revisions).as("partial revisions run on across restarts").isSorted().doesNotHaveDuplicates();
    }

    /**
     * Runs the speech stage on {@code stateDir} until its committed output satisfies {@code until}, then stops it
     * as a shutdown would.
     *
     * @return how many finals had come when it was stopped
     */
    private static int runSpeech(SensoriumConfig config, SpeechEngine engine, KafkaCluster cluster, Path stateDir,
                                 Predicate<List<Object>> until) throws Exception {
        SensoriumConfig.Kafka onStateDir = config.kafka().withStateDir(stateDir.toString());
        List<Object> seen = new ArrayList<>();
        long start = System.nanoTime();
        try (StreamsStage speech = new StreamsStage(SpeechTopology.STAGE, SpeechTopology.build(config, engine), onStateDir,
                cluster.connection())) {
            speech.start(Duration.ofMinutes(2));
            double running = (System.nanoTime() - start) / 1e9;
            System.out.printf("speech stage on %s running after %.1f s%n", stateDir.getFileName(), running);
            // The stage before this one left the group as it closed: no waiting out its 45 s session timeout.
            assertThat(running).as("seconds to RUNNING").isLessThan(30);
            TestPipeline.readUntil(config.topics().transcripts(), records -> {
                seen.clear();
                records.forEach(record -> seen.add(TranscriptJson.read(record.value())));
                return until.test(seen);
            }, Duration.ofSeconds(120));
            assertThat(speech.failed()).isFalse();
        }
        System.out.printf("speech stage on %s stopped after %.1f s, %d finals%n", stateDir.getFileName(),
                (System.nanoTime() - start) / 1e9, LiveTranscripts.finals(seen).size());
        assertThat(until.test(seen)).as("what came: %s", seen).isTrue();
        return LiveTranscripts.finals(seen).size();
    }

    private static boolean ended(List<Object> records) {
        return !records.isEmpty() && records.get(records.size() - 1) instanceof TranscriptEnd;
    }
}
