package io.sensorium.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which Kafka client settings are secrets, and that their values are never shown. */
class KafkaClientSettingsTest {
    /** Kafka's own password settings (PEM certificates among them, which it hides too), and any named as secret. */
    @ParameterizedTest
    @ValueSource(strings = {"sasl.jaas.config", "ssl.keystore.password", "ssl.key.password", "ssl.truststore.password",
            "ssl.keystore.key", "ssl.keystore.certificate.chain", "ssl.truststore.certificates",
            "sasl.oauthbearer.client.credentials.client.secret", "producer.sasl.jaas.config",
            "kafka.client.ssl.key.password", "my.plugin.api.secret", "SSL.KEYSTORE.PASSWORD"})
    void secrets(String key) {
        assertThat(KafkaClientSettings.secret(key)).isTrue();
        assertThat(KafkaClientSettings.shown(key, "s3cr3t")).isEqualTo("[hidden]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"security.protocol", "sasl.mechanism", "ssl.truststore.location", "ssl.truststore.type",
            "client.id", "kafka.bootstrap-servers"})
    void notSecrets(String key) {
        assertThat(KafkaClientSettings.secret(key)).isFalse();
        assertThat(KafkaClientSettings.shown(key, "SASL_SSL")).isEqualTo("SASL_SSL");
    }

    @Test
    void aTextLosesEverySecretValueInIt() {
        KafkaClientSettings settings = KafkaClientSettings.of(Map.of("sasl.jaas.config", "login password=\"pw-1\";",
                "ssl.key.password", "pw-2", "security.protocol", "SASL_SSL"));
        assertThat(settings.redact("could not use 'login password=\"pw-1\";' with pw-2 over SASL_SSL"))
                .isEqualTo("could not use '[hidden]' with [hidden] over SASL_SSL");
        assertThat(settings.toString()).contains("security.protocol=SASL_SSL").doesNotContain("pw-1", "pw-2");
    }
}
