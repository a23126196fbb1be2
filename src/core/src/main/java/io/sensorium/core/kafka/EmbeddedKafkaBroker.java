package io.sensorium.core.kafka;

import io.sensorium.core.files.TempDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, combined broker + controller) inside this JVM, from Apache Kafka's own server
 * code. It backs the out-of-the-box run when no {@code bootstrap.servers} is configured, and the integration tests
 * where no Docker engine is there for Testcontainers. It listens on the loopback address only: plaintext and
 * unauthenticated, it must not offer a run's audio and transcripts to the network. Its log lives in a temporary
 * directory removed on close.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;
    /** Ports are chosen free and then bound by Kafka: another process may take one in between, so try again. */
    private static final int START_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final Path dir;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path dir, String bootstrapServers) {
        this.server = server;
        this.dir = dir;
        this.bootstrapServers = bootstrapServers;
    }

    public static EmbeddedKafkaBroker start() {
        long began = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            Path dir = TempDirectories.create("kafka");
            try {
                EmbeddedKafkaBroker broker = startIn(dir);
                LOG.info("in-process Kafka broker ready at {} in {} ms", broker.bootstrapServers(),
                        (System.nanoTime() - began) / 1_000_000);
                return broker;
            } catch (RuntimeException e) {
                TempDirectories.delete(dir);
                if (attempt == START_ATTEMPTS || !portTaken(e)) {
                    throw new IllegalStateException("cannot start the in-process Kafka broker: " + e.getMessage(), e);
                }
                LOG.info("a port chosen for the in-process broker was taken meanwhile; trying others");
            }
        }
    }

    private static EmbeddedKafkaBroker startIn(Path dir) {
        int brokerPort = freeLoopbackPort();
        int controllerPort = freeLoopbackPort();
        String logDir = dir.resolve("log").toString();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + LOOPBACK + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        props.put("log.dirs", logDir);
        // One broker: the internal topics that default to three replicas (offsets, transactions) must make do with
        // one, or exactly-once Kafka Streams would wait for replicas that never come; one partition each (not fifty)
        // is all one run's groups and producers use. Nor has it partitions to hand over before it stops: a
        // controlled shutdown would only add a round trip to the controller to every run's end.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("controlled.shutdown.enable", "false");
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        format(logDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            stop(server);
            throw e;
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dir, LOOPBACK + ":" + brokerPort);
        broker.createCoordinatorTopics();
        return broker;
    }

    /** Writes the new log directory's cluster and node identity, as {@code kafka-storage.sh format} does. */
    private static void format(String logDir) {
        try {
            new Formatter()
                    // Its report goes to stderr with the logs: stdout carries nothing but transcripts and detections.
                    .setPrintStream(System.err)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir))
                    .setMetadataLogDirectory(logDir)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the broker's log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + LOOPBACK, e);
        }
    }

    private static boolean portTaken(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
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
        return bootstrapServers;
    }

    @Override
    public void close() {
        try {
            stop(server);
        } finally {
            TempDirectories.delete(dir);
        }
    }
}
