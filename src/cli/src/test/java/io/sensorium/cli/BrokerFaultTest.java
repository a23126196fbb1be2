package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The speech path's stages, each a {@code process} command in its own JVM, through broker failures. On a cluster of
 * three brokers, with {@code kafka.replication-factor} 3 (the topics Sensorium creates and the stages' changelogs on
 * every broker) and two replicas in sync for a write, the broker that coordinates the speech stage's group stops
 * without handing anything over while streams are under way: transcripts keep coming while it is down, and once it is
 * back every stream's segments are out once each. The single broker of {@code sensorium broker}, killed outright
 * mid-run and started again on its data directory: the stages wait for it, reconnect, and finish every stream, each
 * segment once — a broker that comes back is a pause, not a failure, for a stage.
 */
class BrokerFaultTest {
    private static final int STREAMS = 4;
    private static final StagePath PATH = StagePath.SPEECH;

    @Test
    void aBrokerOfThreeStoppedMidStreamLosesNothing(@TempDir Path tmp) throws Exception {
        try (ReplicatedKafkaCluster cluster = ReplicatedKafkaCluster.start()) {
            Map<String, String> settings = PATH.settings();
            settings.put("kafka.bootstrap-servers", cluster.bootstrapServers());
            settings.put("kafka.replication-factor", Integer.toString(ReplicatedKafkaCluster.BROKERS));
            try (Stages stages = Stages.start(tmp, settings)) {
                PATH.publish(tmp, settings, STREAMS);
                StreamOutputs.awaitAny(PATH, settings);
                int down = cluster.coordinatorOf(PATH.group(settings));
                cluster.stop(down);
                int atStop = StreamOutputs.awaitAny(PATH, settings).records();
                StreamOutputs whileDown = StreamOutputs.await(PATH, settings, output -> output.records() > atStop);
                assertThat(whileDown.records()).as("transcripts while a broker is down").isGreaterThan(atStop);
                assertThat(whileDown.ended()).as("streams ended while a broker is down").hasSizeLessThan(STREAMS);
                cluster.restart(down);
                StreamOutputs.awaitEnded(PATH, settings, STREAMS).assertEveryStreamOnce(STREAMS);
                stages.assertRunning();
            }
            assertEveryTopicOnEveryBroker(settings);
        }
    }

    @Test
    void theSingleBrokerKilledAndRestartedMidRunIsWaitedFor(@TempDir Path tmp, @TempDir Path data) throws Exception {
        int port = TestPipeline.freePort();
        CliProcess broker = startBroker(tmp, port, data);
        Map<String, String> settings = PATH.settings();
        settings.put("kafka.bootstrap-servers", "127.0.0.1:" + port);
        try (Stages stages = Stages.start(tmp, settings)) {
            PATH.publish(tmp, settings, STREAMS);
            StreamOutputs.awaitAny(PATH, settings);
            broker.kill();
            broker.waitFor(30);
            broker = startBroker(tmp, port, data);
            StreamOutputs.awaitEnded(PATH, settings, STREAMS).assertEveryStreamOnce(STREAMS);
            stages.assertRunning();
        } finally {
            assertThat(broker.stop()).isZero();
        }
    }

    private static CliProcess startBroker(Path tmp, int port, Path data) throws Exception {
        CliProcess broker = CliProcess.broker(tmp, port, data);
        broker.awaitStderr(CliProcess.KEPT_BROKER_READY + port);
        return broker;
    }

    /** Every partition of the run's topics, its own and its stages' changelogs, with a replica on each broker. */
    private static void assertEveryTopicOnEveryBroker(Map<String, String> settings) throws Exception {
        String run = settings.get("kafka.application-id-prefix");
        try (Admin admin = KafkaConnection.plaintext(settings.get("kafka.bootstrap-servers")).admin()) {
            List<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(topic -> topic.startsWith(run)).toList();
            assertThat(topics).as("the run's topics").contains(PATH.outputTopic(settings))
                    .anyMatch(topic -> topic.startsWith(PATH.group(settings)) && topic.endsWith("-changelog"));
            for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                for (TopicPartitionInfo partition : topic.partitions()) {
                    assertThat(partition.replicas()).as("replicas of %s-%d", topic.name(), partition.partition())
                            .hasSize(ReplicatedKafkaCluster.BROKERS);
                }
            }
        }
    }

    /** The path's two stages as {@code process} commands, which must still run when the test is done with them. */
    private record Stages(CliProcess upstream, CliProcess stage) implements AutoCloseable {
        static Stages start(Path tmp, Map<String, String> settings) throws Exception {
            Stages stages = new Stages(CliProcess.startStage(tmp, PATH.upstream, settings, "upstream-state"),
                    CliProcess.startStage(tmp, PATH.stage, settings, "stage-state"));
            try {
                stages.upstream.awaitStage(PATH.upstream);
                stages.stage.awaitStage(PATH.stage);
                return stages;
            } catch (Exception | AssertionError e) {
                stages.upstream.kill();
                stages.stage.kill();
                throw e;
            }
        }

        void assertRunning() {
            assertThat(upstream.process().isAlive()).as("%s still running", PATH.upstream).isTrue();
            assertThat(stage.process().isAlive()).as("%s still running", PATH.stage).isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            try {
                assertThat(stage.stop()).as("%s stopped by SIGTERM", PATH.stage).isEqualTo(143);
            } finally {
                assertThat(upstream.stop()).as("%s stopped by SIGTERM", PATH.upstream).isEqualTo(143);
            }
        }
    }
}
