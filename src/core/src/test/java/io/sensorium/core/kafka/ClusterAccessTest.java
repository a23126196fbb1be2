package io.sensorium.core.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorium.core.config.ConfigException;
import io.sensorium.core.config.KafkaClientSettings;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Client settings Kafka cannot make a client of are a configuration error that says Kafka's reason and no secret;
 * (a refused login, handshake or protocol against a real secured listener: SecuredClusterTest in src/cli).
 */
class ClusterAccessTest {
    @Test
    void settingsKafkaCannotUseAreRefusedWithItsReasonAndNoSecret() {
        String password = "hunter-" + UUID.randomUUID();
        KafkaConnection connection = new KafkaConnection("127.0.0.1:9", KafkaClientSettings.of(Map.of(
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                // The password where the login module's class belongs: the JDK's message names that class.
                "sasl.jaas.config", password + " required;")));
        assertThatThrownBy(() -> ClusterAccess.require(connection))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot make a Kafka client with the kafka.client settings: ")
                .hasMessageContaining("[hidden]")
                .hasMessageNotContaining(password);
    }
}
