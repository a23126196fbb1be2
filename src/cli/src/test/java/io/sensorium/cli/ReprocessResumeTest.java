package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.kafka.TestKafka;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.ingest.audio.AudioDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reprocessing run killed outright (kill -9 of its own JVM) once its first transcripts are out, and run again
 * with the same arguments: it completes, the output holds every segment once, as {@code transcribe} gave them,
 * and a third run finds nothing to do.
 */
class ReprocessResumeTest {
    private static final List<String> STREAMS = List.of("a.wav", "b.wav", "c.wav");

    @Test
    void aKilledRunGoesOnWhereItStoppedAndAddsNothingTwice(@TempDir Path dir) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        settings.put("speech.vad", "false");
        short[] jfk = AudioDecoder.decodeAll(TestPipeline.fixture("audio/jfk.wav"), 16_000);
        List<String> files = new ArrayList<>();
        for (String stream : STREAMS) {
            files.add(TestPipeline.writeWav(dir.resolve(stream), Arrays.copyOf(jfk, jfk.length * 3)).toString());
        }
        assertThat(TestPipeline.cli(List.of("transcribe"), settings, files).exit()).isZero();
        Map<String, List<Object>> transcribed = ReprocessStreams.byStream(settings.get("topics.transcripts"), STREAMS.size());

        String output = settings.get("topics.transcripts") + ".reprocessed";
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        List<String> args = new ArrayList<>(List.of("reprocess", "speech"));
        settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        args.addAll(List.of("--from", "earliest", "--to", "now", "--output", output));

        CliProcess first = CliProcess.start(tmp, args);
        awaitTopic(output);
        List<ConsumerRecord<String, byte[]>> before = TestPipeline.readUntil(output, records -> !records.isEmpty(),
                Duration.ofSeconds(120));
        first.kill();
        first.waitFor(30);
        assertThat(before).isNotEmpty();
        assertThat(before.stream().filter(r -> TranscriptJson.read(r.value()) instanceof TranscriptEnd).count())
                .as("killed before every stream was out").isLessThan(STREAMS.size());

        CliProcess second = CliProcess.start(tmp, args);
        assertThat(second.waitFor(240)).as(second.stderr()).isZero();
        ReprocessStreams.assertSameAs(ReprocessStreams.byStream(output, STREAMS.size()), transcribed, STREAMS);

        CliProcess third = CliProcess.start(tmp, args);
        assertThat(third.waitFor(60)).isZero();
        assertThat(third.stderr()).contains("is done already, nothing to do");
        assertThat(TestPipeline.readAll(output, Integer.MAX_VALUE, Duration.ofSeconds(2)))
                .hasSize(ReprocessStreams.records(transcribed, STREAMS));
        try (Admin admin = KafkaClients.admin(TestKafka.bootstrapServers())) {
            String run = ReprocessRun.id(ReprocessKind.SPEECH, settings.get("topics.audio"), "earliest", "now", List.of(),
                    "whisper-tiny-random", output);
            assertThat(admin.listTopics().names().get()).as("the run's own topics are removed").noneMatch(topic -> topic.contains(run));
        }
    }

    private static void awaitTopic(String topic) throws Exception {
        try (Admin admin = KafkaClients.admin(TestKafka.bootstrapServers())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!admin.listTopics().names().get().contains(topic)) {
                assertThat(System.nanoTime()).as("%s created", topic).isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }
}
