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
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reprocessing run (its own JVM) stopped with SIGTERM once its first transcripts are out, run again and killed
 * outright (kill -9) once more are out, and run again with the same arguments: it completes, the output holds every
 * segment once, as the live stages gave them, and a fourth run finds nothing to do. The live stages ({@code process
 * features} and {@code process speech}, JVMs of their own) run all along on the same audio topic, and transcribe a
 * new stream written there during the first run: their output is what it would have been alone, once, and the run's
 * range, resolved when it began, leaves that stream out.
 */
class ReprocessResumeTest {
    private static final List<String> STREAMS = List.of("a.wav", "b.wav", "c.wav", "d.wav");
    /**
     * jfk.wav this many times a stream: enough work that each stop finds the run under way, even after a stage
     * stopped by SIGTERM has finished the windows it was given before it closed.
     */
    private static final int REPEATS = 9;

    @Test
    void aKilledRunGoesOnWhereItStoppedAndAddsNothingTwice(@TempDir Path dir) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        settings.put("speech.vad", "false");
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        CliProcess features = CliProcess.stage(tmp, "features", settings, "features-state");
        CliProcess speech = CliProcess.stage(tmp, "speech", settings, "speech-state");
        try {
            short[] jfk = AudioDecoder.decodeAll(TestPipeline.fixture("audio/jfk.wav"), 16_000);
            List<String> files = new ArrayList<>();
            for (String stream : STREAMS) {
                files.add(TestPipeline.writeWav(dir.resolve(stream), repeat(jfk, REPEATS)).toString());
            }
            assertThat(TestPipeline.cli(List.of("ingest", "audio"), settings, files).exit()).isZero();
            String live = settings.get("topics.transcripts");
            Map<String, List<Object>> transcribed = ReprocessStreams.byStream(live, STREAMS.size());

            String output = live + ".reprocessed";
            List<String> args = new ArrayList<>(List.of("reprocess", "speech"));
            settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
            args.addAll(List.of("--from", "earliest", "--to", "now", "--output", output));

            long began = System.nanoTime();
            CliProcess first = CliProcess.start(tmp, args);
            awaitTopic(output);
            TestPipeline.readUntil(output, records -> !records.isEmpty(), Duration.ofSeconds(120));
            String during = "during.wav";
            assertThat(TestPipeline.cli(List.of("ingest", "audio"), settings,
                    List.of(TestPipeline.writeWav(dir.resolve(during), repeat(jfk, REPEATS)).toString())).exit()).isZero();
            first.terminate();
            assertThat(first.waitFor(60)).isEqualTo(128 + 15);
            assertThat(first.stderr()).contains("stopped; the same command goes on from where it stopped");
            List<ConsumerRecord<String, byte[]>> afterFirst = TestPipeline.readAll(output, Integer.MAX_VALUE, Duration.ZERO);
            assertThat(ends(afterFirst)).as("stopped before every stream was out").isLessThan(STREAMS.size());
            System.out.printf("first run stopped (SIGTERM) after %.1f s%n", (System.nanoTime() - began) / 1e9);

            CliProcess second = CliProcess.start(tmp, args);
            List<ConsumerRecord<String, byte[]>> before = TestPipeline.readUntil(output,
                    records -> records.size() > afterFirst.size(), Duration.ofSeconds(120));
            second.kill();
            second.waitFor(30);
            System.out.printf("second run killed (kill -9) after %.1f s%n", (System.nanoTime() - began) / 1e9);
            assertThat(ends(before)).as("killed before every stream was out").isLessThan(STREAMS.size());

            CliProcess rerun = CliProcess.start(tmp, args);
            assertThat(rerun.waitFor(240)).as(rerun.stderr()).isZero();
            System.out.printf("third run done after %.1f s%n", (System.nanoTime() - began) / 1e9);
            ReprocessStreams.assertSameAs(ReprocessStreams.byStream(output, STREAMS.size()), transcribed, STREAMS);

            CliProcess again = CliProcess.start(tmp, args);
            assertThat(again.waitFor(60)).isZero();
            assertThat(again.stderr()).contains("is done already, nothing to do");
            assertThat(TestPipeline.readAll(output, Integer.MAX_VALUE, Duration.ofSeconds(2)))
                    .hasSize(ReprocessStreams.records(transcribed, STREAMS));
            try (Admin admin = TestKafka.connection().admin()) {
                String run = ReprocessRun.id(ReprocessKind.SPEECH, settings.get("topics.audio"), "earliest", "now",
                        List.of(), "whisper-tiny-random", output);
                assertThat(admin.listTopics().names().get()).as("the run's own topics are removed")
                        .noneMatch(topic -> topic.contains(run));
            }

            // The same audio as the first stream: the same transcript, under its own name, once.
            Map<String, List<Object>> liveOutput = ReprocessStreams.byStream(live, STREAMS.size() + 1);
            ReprocessStreams.assertSameAs(Map.of(during, liveOutput.get(during)),
                    Map.of(during, transcribed.get(STREAMS.get(0))), List.of(during));
            assertThat(TestPipeline.readAll(live, Integer.MAX_VALUE, Duration.ofSeconds(2)))
                    .hasSize(ReprocessStreams.records(transcribed, STREAMS) + transcribed.get(STREAMS.get(0)).size());
        } finally {
            speech.terminate();
            speech.waitFor(60);
            features.terminate();
            features.waitFor(60);
        }
    }

    private static long ends(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> TranscriptJson.read(r.value()) instanceof TranscriptEnd).count();
    }

    private static short[] repeat(short[] pcm, int times) {
        short[] out = new short[pcm.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(pcm, 0, out, i * pcm.length, pcm.length);
        }
        return out;
    }

    private static void awaitTopic(String topic) throws Exception {
        try (Admin admin = TestKafka.connection().admin()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!admin.listTopics().names().get().contains(topic)) {
                assertThat(System.nanoTime()).as("%s created", topic).isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }
}
