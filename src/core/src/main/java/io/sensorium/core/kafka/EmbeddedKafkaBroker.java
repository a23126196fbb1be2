package io.sensorium.core.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
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
            // with one, or exactly-once Kafka Streams would wait for replicas that never come.
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setDeleteOnClose(true)
                    .build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(cluster);
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

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
