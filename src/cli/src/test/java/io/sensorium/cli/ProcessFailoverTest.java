package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.kafka.KafkaConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code process} stages as separate processes on a real broker, failing the way machines fail: the speech or the
 * vision stage is killed outright (SIGKILL: no commit, no goodbye to its group) while streams are under way, and
 * another instance takes over; and two speech instances share twelve streams on six partitions, one stopped cleanly
 * halfway, its partitions moving to the other, which finishes them. Every stream's items (segments, frames) come out
 * once each (exactly_once_v2), numbered without a gap, and its end record counts them.
 */
class ProcessFailoverTest {
    private static final int KILLED_STREAMS = 6;
    private static final int SHARED_STREAMS = 12;
    private static final int SHARED_PARTITIONS = 6;

    @ParameterizedTest
    @EnumSource(StagePath.class)
    void aStageKilledMidStreamLosesAndRepeatsNothing(StagePath path, @TempDir Path tmp) throws Exception {
        Map<String, String> settings = path.settings();
        CliProcess upstream = CliProcess.startStage(tmp, path.upstream, settings, "upstream-state");
        CliProcess first = CliProcess.startStage(tmp, path.stage, settings, "a");
        try {
            upstream.awaitStage(path.upstream);
            first.awaitStage(path.stage);
            path.publish(tmp, settings, KILLED_STREAMS);
            StreamOutputs.awaitAny(path, settings);
            first.kill();
            first.waitFor(30);
            assertThat(StreamOutputs.awaitAny(path, settings).ended()).as("streams ended when the stage was killed")
                    .hasSizeLessThan(KILLED_STREAMS);
            // Started again where it ran, as a supervisor restarts it. A stage with stores (speech) finds its process
            // id there, and with it its transactional id, so the transaction it left open is aborted at once: on a
            // fresh directory that transaction would hold the group's offsets and the output back until it timed out
            // (a minute). Its stores, never checkpointed while it ran (exactly-once), come back from the changelogs.
            CliProcess second = CliProcess.stage(tmp, path.stage, settings, "a");
            try {
                StreamOutputs.awaitEnded(path, settings, KILLED_STREAMS).assertEveryStreamOnce(KILLED_STREAMS);
            } finally {
                second.stop();
            }
        } finally {
            upstream.stop();
        }
    }

    @Test
    void twoInstancesShareTheStreamsAndOneStoppingHandsItsOverToTheOther(@TempDir Path tmp) throws Exception {
        StagePath path = StagePath.SPEECH;
        Map<String, String> settings = path.settings();
        settings.put("kafka.partitions", Integer.toString(SHARED_PARTITIONS));
        CliProcess features = CliProcess.startStage(tmp, path.upstream, settings, "features-state");
        CliProcess a = CliProcess.startStage(tmp, path.stage, settings, "speech-a");
        CliProcess b = CliProcess.startStage(tmp, path.stage, settings, "speech-b");
        try {
            features.awaitStage(path.upstream);
            a.awaitStage(path.stage);
            b.awaitStage(path.stage);
            path.publish(tmp, settings, SHARED_STREAMS);
            StreamOutputs.awaitAny(path, settings);
            Map<Long, Set<Integer>> together = partitionsByProcess(path, settings);
            assertThat(together).as("members and their partitions").hasSize(2);
            assertThat(together.get(a.process().pid())).as("A's share").isNotEmpty();
            assertThat(together.get(b.process().pid())).as("B's share").isNotEmpty();

            assertThat(a.stop()).as("stopped by SIGTERM").isEqualTo(143);
            Set<String> endedAtStop = StreamOutputs.awaitAny(path, settings).ended();

            StreamOutputs done = StreamOutputs.awaitEnded(path, settings, SHARED_STREAMS);
            done.assertEveryStreamOnce(SHARED_STREAMS);
            assertThat(done.ended()).as("A's streams still under way when it stopped")
                    .anyMatch(stream -> together.get(a.process().pid()).contains(partitionOf(stream))
                            && !endedAtStop.contains(stream));
            assertThat(partitionsByProcess(path, settings)).as("B alone, with every partition")
                    .isEqualTo(Map.of(b.process().pid(), allPartitions()));
        } finally {
            b.stop();
            features.stop();
        }
    }

    /** The stage's input partitions, by the pid of the process that works on them. */
    private static Map<Long, Set<Integer>> partitionsByProcess(StagePath path, Map<String, String> settings)
            throws Exception {
        String group = path.group(settings);
        try (Admin admin = KafkaConnection.plaintext(settings.get("kafka.bootstrap-servers")).admin()) {
            Collection<MemberDescription> members = admin.describeConsumerGroups(List.of(group)).all()
                    .get(30, TimeUnit.SECONDS).get(group).members();
            return members.stream().collect(Collectors.toMap(ProcessFailoverTest::pid,
                    member -> member.assignment().topicPartitions().stream().map(TopicPartition::partition)
                            .collect(Collectors.toCollection(TreeSet::new)),
                    (x, y) -> {
                        x.addAll(y);
                        return x;
                    }));
        }
    }

    /** A stage's members are static, named {@code APPLICATION-HOST-PID-N-THREAD} (StreamsStage). */
    private static long pid(MemberDescription member) {
        String[] parts = member.groupInstanceId().orElseThrow().split("-");
        return Long.parseLong(parts[parts.length - 3]);
    }

    /** The partition the producer's default partitioner gives a stream's records (keyed by its id). */
    private static int partitionOf(String stream) {
        return BuiltInPartitioner.partitionForKey(stream.getBytes(StandardCharsets.UTF_8), SHARED_PARTITIONS);
    }

    private static Set<Integer> allPartitions() {
        return IntStream.range(0, SHARED_PARTITIONS).boxed().collect(Collectors.toCollection(TreeSet::new));
    }
}
