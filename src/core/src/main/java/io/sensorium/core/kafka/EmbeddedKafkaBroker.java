package io.sensorium.core.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, combined broker + controller) inside this JVM, from Apache Kafka's own jars.
 * It backs the out-of-the-box run when no {@code bootstrap.servers} is configured, and the integration tests
 * where no Docker engine is there for Testcontainers. Its logs live in a temporary directory removed on close.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static EmbeddedKafkaBroker start() {
        long began = System.nanoTime();
        try {
            Path dir = Files.createTempDirectory("sensorium-kafka-");
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .build();
            // One broker: the internal topics that default to three replicas (offsets, transactions) must make do
            // with one, or exactly-once Kafka Streams would wait for replicas that never come; one partition each
            // (not fifty) is all one run's groups and producers use. Nor has it partitions to hand over before it
            // stops: a controlled shutdown would only add a round trip to the controller to every run's end.
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("controlled.shutdown.enable", "false")
                    .setDeleteOnClose(true)
                    .build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(cluster);
            broker.createCoordinatorTopics();
            LOG.info("in-process Kafka broker ready at {} in {} ms", broker.bootstrapServers(),
                    (System.nanoTime() - began) / 1_000_000);
            return broker;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the in-process Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the in-process Kafka broker: " + e.getMessage(), e);
        }
    }

    /**
     * Kafka's storage formatter reports on System.out, which for {@code transcribe} carries nothing but
     * transcripts: its words go to stderr with the logs.
     */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        java.io.PrintStream stdout = System.out;
        synchronized (System.class) {
            System.setOut(System.err);
            try {
                cluster.format();
            } finally {
                System.setOut(stdout);
            }
        }
    }

    /**
     * The first consumer group and the first transactional producer each make the broker create an internal topic
     * (consumer offsets, transaction state), and their clients wait for it in back-off steps. Asking for both
     * coordinators now, on a thread of its own, has the topics made while the caller loads its model and builds its
     * stages: about a quarter of a second off the stages' start.
     */
    private void createCoordinatorTopics() {
        Thread thread = new Thread(() -> {
            String probe = "sensorium-coordinator-probe";
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
                // Neither the group nor the transactional id exists: their coordinators saying so is the success.
                awaitCoordinator(admin.describeConsumerGroups(List.of(probe)).all(), GroupIdNotFoundException.class);
                awaitCoordinator(admin.describeTransactions(List.of(probe)).all(), TransactionalIdNotFoundException.class);
            }
        }, "embedded-kafka-coordinators");
        thread.setDaemon(true);
        thread.start();
    }

    private static void awaitCoordinator(KafkaFuture<?> answer, Class<? extends Exception> notFound) {
        try {
            answer.get();
        } catch (ExecutionException e) {
            if (!notFound.isInstance(e.getCause())) {
                LOG.warn("could not create the broker's coordinator topics ahead of the stages: {}", e.getCause().toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
