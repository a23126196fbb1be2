package io.sensorium.core.kafka;

import io.sensorium.core.config.KafkaClientSettings;
import io.sensorium.core.config.SensoriumConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;

/**
 * How every Kafka client of a command reaches its cluster: the bootstrap servers and the user's client settings
 * (security among them). Each producer, consumer, admin client and Streams application takes its configuration from
 * {@link #clientConfig}, so none can miss a setting.
 */
public record KafkaConnection(String bootstrapServers, KafkaClientSettings settings) {
    /** The cluster {@code kafka.bootstrap-servers} names, with {@code kafka.client.*}. */
    public static KafkaConnection configured(SensoriumConfig.Kafka kafka) {
        return new KafkaConnection(kafka.bootstrapServers(), kafka.client());
    }

    /** A broker of Sensorium's own making, the in-process one: plaintext, unauthenticated, Sensorium's settings only. */
    public static KafkaConnection plaintext(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, KafkaClientSettings.NONE);
    }

    /**
     * A client's configuration: {@code own} (what Sensorium sets for that client), then the bootstrap servers and the
     * user's settings over it — a user who tunes a setting Sensorium also sets means theirs.
     */
    public Map<String, Object> clientConfig(Map<String, ?> own) {
        Map<String, Object> config = new HashMap<>(own);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(settings.asMap());
        return config;
    }

    public Admin admin() {
        return Admin.create(clientConfig(Map.of()));
    }
}
