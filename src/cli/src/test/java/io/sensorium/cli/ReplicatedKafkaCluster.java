package io.sensorium.cli;

import io.sensorium.core.kafka.KafkaConnection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Three Kafka brokers and a KRaft controller in this JVM (Kafka's own test kit), set up as a cluster that must not
 * lose data is: the internal topics (group offsets, transactions) on all three brokers, a write acknowledged only
 * once two replicas have it; a topic created without a replication factor gets the broker's default, one, so that
 * the test sees the one Sensorium asks for. A broker can be stopped without a controlled shutdown — it hands no leadership over, and the
 * controller learns it is gone only when its session expires, as with a machine that died — and started again.
 */
final class ReplicatedKafkaCluster implements AutoCloseable {
    static final int BROKERS = 3;
    static final int MIN_IN_SYNC = 2;

    private final KafkaClusterTestKit kit;

    private ReplicatedKafkaCluster(KafkaClusterTestKit kit) {
        this.kit = kit;
    }

    static ReplicatedKafkaCluster start() throws Exception {
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(false)
                .setNumBrokerNodes(BROKERS)
                .setNumControllerNodes(1)
                .build())
                .setConfigProp("min.insync.replicas", String.valueOf(MIN_IN_SYNC))
                .setConfigProp("offsets.topic.replication.factor", String.valueOf(BROKERS))
                .setConfigProp("transaction.state.log.replication.factor", String.valueOf(BROKERS))
                .setConfigProp("transaction.state.log.min.isr", String.valueOf(MIN_IN_SYNC))
                // Few groups and producers: one partition of each internal topic instead of fifty starts faster.
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("controlled.shutdown.enable", "false")
                // A stopped broker is fenced, and its partitions get other leaders, when its session expires: Kafka's
                // 9 s would be most of the test.
                .setConfigProp("broker.session.timeout.ms", "3000")
                .setConfigProp("broker.heartbeat.interval.ms", "500")
                .build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return new ReplicatedKafkaCluster(kit);
        } catch (Exception e) {
            kit.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return kit.bootstrapServers();
    }

    /** The broker that coordinates {@code group}: its offsets, and the stage's transactions with them. */
    int coordinatorOf(String group) throws Exception {
        try (Admin admin = KafkaConnection.plaintext(bootstrapServers()).admin()) {
            return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group)
                    .coordinator().id();
        }
    }

    void stop(int broker) {
        BrokerServer server = kit.brokers().get(broker);
        server.shutdown();
        server.awaitShutdown();
    }

    void restart(int broker) throws Exception {
        kit.brokers().get(broker).startup();
        kit.waitForReadyBrokers();
    }

    @Override
    public void close() throws Exception {
        kit.close();
    }
}
