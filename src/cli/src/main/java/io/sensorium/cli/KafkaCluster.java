package io.sensorium.cli;

import io.sensorium.core.config.KafkaClientSettings;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.BootstrapServers;
import io.sensorium.core.kafka.ClusterAccess;
import io.sensorium.core.kafka.EmbeddedKafkaBroker;
import io.sensorium.core.kafka.KafkaConnection;
import io.sensorium.core.kafka.TopicAdmin;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The cluster a command talks to: the configured one, or an in-process broker that lives as long as the command. */
final class KafkaCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
    /** How long a configured broker may take to accept a connection before the command gives up on it. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final EmbeddedKafkaBroker embedded;
    private final KafkaConnection connection;

    private KafkaCluster(EmbeddedKafkaBroker embedded, KafkaConnection connection) {
        this.embedded = embedded;
        this.connection = connection;
    }

    static KafkaCluster connect(SensoriumConfig config, boolean embeddedAllowed) {
        if (!config.kafka().embedded()) {
            KafkaConnection connection = KafkaConnection.configured(config.kafka());
            BootstrapServers.requireReachable(connection.bootstrapServers(), CONNECT_TIMEOUT);
            ClusterAccess.require(connection);
            return new KafkaCluster(null, connection);
        }
        if (!embeddedAllowed) {
            throw new UserFacingError("this command works on a running cluster: give --bootstrap-servers HOST:PORT "
                    + "(or kafka.bootstrap-servers in --config / SENSORIUM_KAFKA_BOOTSTRAP_SERVERS)", UserFacingError.USAGE);
        }
        if (!config.kafka().client().isEmpty()) {
            // A configuration kept for a cluster may also serve runs on this machine: the settings are not wrong, only
            // not for this broker, which is plaintext and takes no login.
            LOG.warn("{} settings ({}) are for the cluster kafka.bootstrap-servers names; the in-process broker takes"
                    + " none of them", KafkaClientSettings.SECTION,
                    String.join(", ", config.kafka().client().asMap().keySet()));
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        return new KafkaCluster(broker, KafkaConnection.plaintext(broker.bootstrapServers()));
    }

    /** A one-shot run's cluster ({@code transcribe}, {@code detect}): connected, with its topics made. */
    static KafkaCluster forRun(SensoriumConfig config, List<String> topics) {
        KafkaCluster cluster = connect(config, true);
        try {
            cluster.ensureTopics(config, topics);
            return cluster;
        } catch (RuntimeException e) {
            try {
                cluster.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    KafkaConnection connection() {
        return connection;
    }

    /**
     * Creates the topics that are missing: with the configured partitions on a cluster; on the in-process broker,
     * whose one run is the only instance of each stage, with one partition per stream thread — more would only give
     * more tasks to start (half a second each of a short run's start-up).
     */
    void ensureTopics(SensoriumConfig config, List<String> topics) {
        int partitions = embedded != null ? Math.max(1, config.kafka().streamThreads()) : config.kafka().partitions();
        TopicAdmin.ensureTopics(connection, topics, partitions, config.kafka().replicationFactor(),
                config.topics().retentionMs());
    }

    static List<String> speechTopics(SensoriumConfig config) {
        SensoriumConfig.Topics topics = config.topics();
        return List.of(topics.audio(), topics.features(), topics.transcripts(), topics.deadLetters());
    }

    static List<String> visionTopics(SensoriumConfig config) {
        SensoriumConfig.Topics topics = config.topics();
        return List.of(topics.frames(), topics.pixels(), topics.detections(), topics.annotated(), topics.events(),
                topics.snapshots(), topics.deadLetters());
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
