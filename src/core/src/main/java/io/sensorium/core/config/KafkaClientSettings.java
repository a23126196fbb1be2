package io.sensorium.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
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
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
    /** A word, and the "=" that makes it an option's name. */
    private static final Pattern BARE_WORD = Pattern.compile("([^\\s=;]+)(\\s*=)?");
    /** Parts shorter than this are left in a text: hiding each "a" of it would leave nothing to read. */
    private static final int SHORTEST_PART = 4;
    /** JAAS's control flags and login module class names. */
    private static final Pattern JAAS_SYNTAX =
            Pattern.compile("(?i)required|requisite|sufficient|optional|[\\w$]+(\\.[\\w$]+)+");

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

    /**
     * {@code text} with every secret value in it replaced by {@value #HIDDEN}, and every part of one that a message
     * may quote alone: a JAAS configuration's option values ({@code password="..."}) and its bare words other than
     * option names, control flags and class names (a password written where the login module belongs is named by
     * "unable to find LoginModule class: ...").
     */
    public String redact(String text) {
        String redacted = text;
        for (String secret : secretParts()) {
            redacted = redacted.replace(secret, HIDDEN);
        }
        return redacted;
    }

    /** The secret values and their parts, longest first, so that a whole value goes before a part of it. */
    private List<String> secretParts() {
        Set<String> parts = new HashSet<>();
        settings.forEach((key, value) -> {
            if (!secret(key) || value.isEmpty()) {
                return;
            }
            parts.add(value);
            List<String> quoted = QUOTED.matcher(value).results().map(quote -> quote.group(1)).toList();
            List<String> words = BARE_WORD.matcher(QUOTED.matcher(value).replaceAll(" ")).results()
                    .filter(word -> word.group(2) == null && !JAAS_SYNTAX.matcher(word.group(1)).matches())
                    .map(word -> word.group(1)).toList();
            Stream.concat(quoted.stream(), words.stream()).filter(part -> part.length() >= SHORTEST_PART)
                    .forEach(parts::add);
        });
        return parts.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    @Override
    public String toString() {
        return settings.entrySet().stream()
                .map(setting -> setting.getKey() + "=" + shown(setting.getKey(), setting.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
