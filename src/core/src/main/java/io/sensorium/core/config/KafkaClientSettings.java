package io.sensorium.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The user's Kafka client settings ({@code kafka.client.*}: {@code security.protocol}, {@code sasl.*},
 * {@code ssl.*}, ... by Kafka's own names), given to every producer, consumer, admin client and Streams application
 * Sensorium makes for a configured cluster. Secret values never show: {@link #toString()} hides them, and
 * {@link #redact} takes them out of a text Sensorium did not write itself.
 */
public final class KafkaClientSettings {
    /** The configuration section they are, a mapping of Kafka's setting names to values. */
    public static final String SECTION = "kafka.client";
    /** What a setting's key starts with: {@code kafka.client.security.protocol}, ... */
    public static final String PREFIX = SECTION + ".";
    public static final KafkaClientSettings NONE = new KafkaClientSettings(Map.of());
    /** What a secret value is shown as; Kafka's own logs show its password settings so too. */
    public static final String HIDDEN = "[hidden]";

    /**
     * The Kafka settings Sensorium sets from keys of its own, which a user sets there: two places for one setting
     * would leave one of them silently ignored.
     */
    private static final Map<String, String> SENSORIUM_KEYS = Map.of(
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka.bootstrap-servers (--bootstrap-servers)",
            StreamsConfig.APPLICATION_ID_CONFIG, "kafka.application-id-prefix",
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "kafka.processing-guarantee",
            StreamsConfig.STATE_DIR_CONFIG, "kafka.state-dir",
            StreamsConfig.NUM_STREAM_THREADS_CONFIG, "kafka.stream-threads",
            StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "kafka.standby-replicas");
    /** The settings Kafka itself types as passwords (and hides in its logs), for any of its clients. */
    private static final Set<String> KAFKA_PASSWORDS = Stream.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
                    AdminClientConfig.configDef(), StreamsConfig.configDef())
            .flatMap(def -> def.configKeys().values().stream())
            .filter(key -> key.type == ConfigDef.Type.PASSWORD)
            .map(key -> key.name)
            .collect(Collectors.toUnmodifiableSet());
    /** Words that make a setting Kafka does not know (a plugin's own) a secret. */
    private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "jaas");

    private final Map<String, String> settings;

    private KafkaClientSettings(Map<String, String> settings) {
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** @param settings Kafka setting names (without {@value #PREFIX}) to values */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static KafkaClientSettings of(Map<String, String> settings) {
        settings.forEach((name, value) -> {
            String key = PREFIX + name;
            if (SENSORIUM_KEYS.containsKey(name)) {
                throw new ConfigException(key + " is set by " + SENSORIUM_KEYS.get(name) + "; set it there", key);
            }
            if (value == null) {
                throw new ConfigException(key + " has no value", key);
            }
        });
        return settings.isEmpty() ? NONE : new KafkaClientSettings(settings);
    }

    /**
     * Whether a setting's value is a secret: a password Kafka knows (also behind a prefix such as Kafka Streams'
     * {@code producer.}), or any setting whose name says it holds a password, a secret or a JAAS configuration
     * (which holds the SASL password).
     */
    public static boolean secret(String key) {
        String name = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(name::contains)
                || KAFKA_PASSWORDS.stream().anyMatch(password -> name.equals(password) || name.endsWith("." + password));
    }

    /** {@code value}, or {@value #HIDDEN} where {@code key} holds a secret: for messages that quote a setting. */
    public static String shown(String key, String value) {
        return secret(key) ? HIDDEN : value;
    }

    public Map<String, String> asMap() {
        return settings;
    }

    public boolean isEmpty() {
        return settings.isEmpty();
    }

    /** {@code text} with every secret value in it replaced by {@value #HIDDEN}. */
    public String redact(String text) {
        String redacted = text;
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            if (secret(setting.getKey()) && !setting.getValue().isEmpty()) {
                redacted = redacted.replace(setting.getValue(), HIDDEN);
            }
        }
        return redacted;
    }

    @Override
    public String toString() {
        return settings.entrySet().stream().map(setting -> setting.getKey() + "=" + shown(setting.getKey(), setting.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
