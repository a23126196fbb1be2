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
    void aTextLosesEverySecretValueInItAndEachPartOfOneAMessageMayQuote() {
        KafkaClientSettings settings = KafkaClientSettings.of(Map.of(
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\""
                        + " password=\"pw-1234\";",
                "ssl.key.password", "pw-5678", "security.protocol", "SASL_SSL"));
        assertThat(settings.redact("could not use '" + settings.asMap().get("sasl.jaas.config") + "' with pw-5678 over"
                + " SASL_SSL; password=\"pw-1234\""))
                .isEqualTo("could not use '[hidden]' with [hidden] over SASL_SSL; password=\"[hidden]\"");
        assertThat(settings.redact("Login module control flag not specified in JAAS config: required PlainLoginModule"))
                .isEqualTo("Login module control flag not specified in JAAS config: required PlainLoginModule");
        assertThat(settings.toString()).contains("security.protocol=SASL_SSL").doesNotContain("pw-1234", "pw-5678");
    }

    @Test
    void aPasswordWrittenWhereTheLoginModuleBelongsIsHiddenToo() {
        KafkaClientSettings settings = KafkaClientSettings.of(Map.of("sasl.jaas.config", "hunter22 required;"));
        assertThat(settings.redact("unable to find LoginModule class: hunter22"))
                .isEqualTo("unable to find LoginModule class: [hidden]");
    }
}
