package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code process} stages as separate processes on a real broker, failing the way machines fail: the speech stage is
 * killed outright (SIGKILL: no commit, no goodbye to its group) while streams are under way, and another instance
 * takes over; and two instances share the streams, one stopped cleanly halfway, the other finishing its partitions.
 * Every stream's segments come out once each (exactly_once_v2), numbered without a gap, and its end record counts
 * them.
 */
class ProcessFailoverTest {
    private static final int STREAMS = 6;
    private static final int REPEATS = 4;

    @Test
    void aSpeechStageKilledMidStreamLosesAndRepeatsNothing(@TempDir Path tmp) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        CliProcess features = CliProcess.stage(tmp, "features", settings, "features-state");
        CliProcess first = CliProcess.stage(tmp, "speech", settings, "speech-a");
        try {
            publish(tmp, settings);
            awaitOutput(settings, records -> !records.isEmpty());
            first.kill();
            first.waitFor(30);
            // A fresh state directory, as on another machine: the streams' state comes from the changelogs.
            CliProcess second = CliProcess.stage(tmp, "speech", settings, "speech-b");
            try {
                assertEveryStreamOnce(awaitOutput(settings, ProcessFailoverTest::allEnded));
            } finally {
                second.terminate();
                second.waitFor(60);
            }
        } finally {
            features.terminate();
            features.waitFor(60);
        }
    }

    @Test
    void twoInstancesShareTheStreamsAndOneStoppingHandsItsOverToTheOther(@TempDir Path tmp) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        CliProcess features = CliProcess.stage(tmp, "features", settings, "features-state");
        CliProcess a = CliProcess.stage(tmp, "speech", settings, "speech-a");
        CliProcess b = CliProcess.stage(tmp, "speech", settings, "speech-b");
        try {
            int together = speechMembers(settings);
            publish(tmp, settings);
            awaitOutput(settings, records -> !records.isEmpty());
            a.terminate();
            assertThat(a.waitFor(60)).isEqualTo(143);
            int after = speechMembers(settings);
            assertEveryStreamOnce(awaitOutput(settings, ProcessFailoverTest::allEnded));
            assertThat(together).as("members sharing the 3 partitions").isEqualTo(2);
            assertThat(after).as("the stopped instance left the group at once").isEqualTo(1);
        } finally {
            b.terminate();
            b.waitFor(60);
            features.terminate();
            features.waitFor(60);
        }
    }

    private static int speechMembers(Map<String, String> settings) throws Exception {
        String group = settings.get("kafka.application-id-prefix") + "-speech";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.get("kafka.bootstrap-servers")))) {
            return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group).members().size();
        }
    }

    /** Streams of jfk.wav said {@value #REPEATS} times over: several windows each, so a kill falls inside one. */
    private static void publish(Path tmp, Map<String, String> settings) throws Exception {
        short[] jfk;
        try (AudioInputStream in = AudioSystem.getAudioInputStream(TestPipeline.fixture("audio/jfk.wav").toFile())) {
            byte[] bytes = in.readAllBytes();
            jfk = new short[bytes.length / 2];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(jfk);
        }
        short[] repeated = new short[jfk.length * REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            System.arraycopy(jfk, 0, repeated, i * jfk.length, jfk.length);
        }
        List<String> files = new ArrayList<>();
        for (int i = 1; i <= STREAMS; i++) {
            files.add(TestPipeline.writeWav(tmp.resolve("call-" + i + ".wav"), repeated).toString());
        }
        assertThat(TestPipeline.cli(List.of("ingest", "audio"), settings, files).exit()).isZero();
    }

    private static List<Object> awaitOutput(Map<String, String> settings,
                                            Predicate<List<Object>> done) {
        List<Object> transcripts = new ArrayList<>();
        TestPipeline.readUntil(settings.get("topics.transcripts"), records -> {
            transcripts.clear();
            for (ConsumerRecord<String, byte[]> record : records) {
                transcripts.add(TranscriptJson.read(record.value()));
            }
            return done.test(transcripts);
        }, Duration.ofMinutes(3));
        return transcripts;
    }

    private static boolean allEnded(List<Object> records) {
        return records.stream().filter(r -> r instanceof TranscriptEnd).count() >= STREAMS;
    }

    private static void assertEveryStreamOnce(List<Object> records) {
        Map<String, List<Integer>> segments = new TreeMap<>();
        Map<String, Integer> ends = new TreeMap<>();
        for (Object record : records) {
            if (record instanceof TranscriptSegment segment) {
                segments.computeIfAbsent(segment.stream(), s -> new ArrayList<>()).add(segment.segment());
            } else if (record instanceof TranscriptEnd end) {
                assertThat(ends.put(end.stream(), end.segments())).as("one end of %s", end.stream()).isNull();
            }
        }
        assertThat(ends).hasSize(STREAMS);
        ends.forEach((stream, count) -> {
            List<Integer> numbers = segments.getOrDefault(stream, List.of());
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                expected.add(i);
            }
            assertThat(numbers).as("segments of %s, each once, in order", stream).isEqualTo(expected);
        });
    }
}
