package io.sensorium.core.kafka;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The real Kafka broker integration tests talk to, one per test JVM: a Testcontainers {@code apache/kafka} broker
 * where a Docker engine answers, otherwise Kafka's own KRaft broker started inside this JVM. Tests keep apart by
 * using their own topic names and application ids.
 */
public final class TestKafka {
    private static String bootstrapServers;

    private TestKafka() {}

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = dockerAvailable() ? startContainer() : startEmbedded();
        }
        return bootstrapServers;
    }

    /** How clients reach it: plaintext, no settings of the user's. */
    public static KafkaConnection connection() {
        return KafkaConnection.plaintext(bootstrapServers());
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String startContainer() {
        KafkaContainer container = new KafkaContainer("apache/kafka:4.1.1");
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
        return container.getBootstrapServers();
    }

    private static String startEmbedded() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the test broker", e);
            }
        }));
        return broker.bootstrapServers();
    }
}
