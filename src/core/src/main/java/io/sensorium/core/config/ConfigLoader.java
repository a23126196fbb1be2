package io.sensorium.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link SensoriumConfig} from the defaults, an optional YAML file, the environment and key=value
 * overrides (the command line's), each layer replacing only the keys it names.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    private static final String ENV_PREFIX = "SENSORIUM_";
    /** Variables that set {@code kafka.client.*}: {@code SENSORIUM_KAFKA_CLIENT_SASL_MECHANISM}, ... */
    private static final String CLIENT_ENV_PREFIX = envName(KafkaClientSettings.SECTION) + "_";
    /** Variables of the {@code sensorium} launcher script, not configuration keys. */
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("SENSORIUM_JAVA_OPTS");
    /** Mappings whose keys are the user's (camera ids, zone names): a layer replaces them whole. */
    private static final Set<String> OPEN_MAPPINGS = Set.of("vision.zones");
    private static final LevenshteinDistance EDIT_DISTANCE = LevenshteinDistance.getDefaultInstance();
    private static final int MAX_SUGGESTION_DISTANCE = 3;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .registerModule(new SimpleModule().addDeserializer(Path.class, new HomePathDeserializer()));

    private ConfigLoader() {}

    public static SensoriumConfig defaults() {
        return load(null, Map.of(), Map.of());
    }

    /**
     * @param file      a YAML file, or null
     * @param env       the environment (System.getenv() in production)
     * @param overrides dotted keys to values, e.g. {@code kafka.bootstrap-servers -> host:9092}
     * @throws ConfigException naming the key or file that is wrong
     */
    public static SensoriumConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        ObjectNode tree = readDefaults();
        // Before the file adds kafka.client settings: those are read from variables of their own form.
        List<String> keys = leafKeys(tree, "");
        Map<String, String> origins = new HashMap<>();
        if (file != null) {
            merge(tree, readFile(file), "", "file " + file, origins);
        }
        for (String key : keys) {
            String value = env.get(envName(key));
            if (value != null) {
                set(tree, key, value, "environment variable " + envName(key), origins);
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith(CLIENT_ENV_PREFIX)) {
                set(tree, clientKey(name), value, "environment variable " + name, origins);
            }
        });
        warnOfUnknownVariables(env, keys);
        overrides.forEach((key, value) -> set(tree, key, value,
                "option --set " + key + "=" + KafkaClientSettings.shown(key, value), origins));
        try {
            return YAML.treeToValue(tree, SensoriumConfig.class);
        } catch (ValueInstantiationException e) {
            // A section's own range checks (SensoriumConfig's records) name their key already.
            if (e.getCause() instanceof ConfigException checked) {
                throw withOrigin(checked, origins);
            }
            throw new ConfigException("invalid configuration: " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw typeError(e, origins);
        }
    }

    /**
     * A value of the wrong type ("abc" for a number), named by its key and where it was set — Jackson's own
     * message names neither.
     */
    private static ConfigException typeError(JsonProcessingException e, Map<String, String> origins) {
        if (!(e instanceof MismatchedInputException mismatch) || mismatch.getPath().isEmpty()) {
            return new ConfigException("invalid configuration: " + e.getOriginalMessage(), e);
        }
        String key = mismatch.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                .collect(Collectors.joining("."));
        String value = e instanceof InvalidFormatException invalid
                ? ", not '" + KafkaClientSettings.shown(key, String.valueOf(invalid.getValue())) + "'" : "";
        return new ConfigException(key + " must be " + expected(mismatch.getTargetType()) + value
                + origins.getOrDefault(key, ""), e);
    }

    private static String expected(Class<?> type) {
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        return "a " + (type == null ? "value of another type" : type.getSimpleName());
    }

    private static ConfigException withOrigin(ConfigException checked, Map<String, String> origins) {
        String key = checked.key();
        return key == null || !origins.containsKey(key) ? checked
                : new ConfigException(checked.getMessage() + origins.get(key), key, checked);
    }

    /**
     * A {@code SENSORIUM_*} variable that sets no key is most likely a misspelt one, which would otherwise be
     * silently ignored.
     */
    private static void warnOfUnknownVariables(Map<String, String> env, List<String> keys) {
        Map<String, String> known = new HashMap<>();
        keys.forEach(key -> known.put(envName(key), key));
        for (String name : env.keySet()) {
            if (!name.startsWith(ENV_PREFIX) || name.startsWith(CLIENT_ENV_PREFIX) || known.containsKey(name)
                    || LAUNCHER_VARIABLES.contains(name)) {
                continue;
            }
            String closest = known.keySet().stream()
                    .min(Comparator.comparingInt(candidate -> EDIT_DISTANCE.apply(name, candidate)))
                    .orElseThrow();
            String hint = EDIT_DISTANCE.apply(name, closest) <= MAX_SUGGESTION_DISTANCE
                    ? "; did you mean " + closest + " (" + known.get(closest) + ")?" : "";
            LOG.warn("environment variable {} sets no configuration key and is ignored{}", name, hint);
        }
    }

    /**
     * Every key of the configuration, dotted ({@code kafka.bootstrap-servers}, ...): what a file, {@code --set} or
     * the variable {@link #envName} names can set.
     */
    public static List<String> keys() {
        return leafKeys(readDefaults(), "");
    }

    /** {@code kafka.bootstrap-servers} -> {@code SENSORIUM_KAFKA_BOOTSTRAP_SERVERS}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * The {@code kafka.client.*} key a variable sets, by the rule of Confluent's Kafka images, so that any Kafka
     * setting can be named: after the prefix, {@code _} is a dot, {@code __} an underscore and {@code ___} a dash
     * ({@code SENSORIUM_KAFKA_CLIENT_SASL_JAAS_CONFIG} -> {@code kafka.client.sasl.jaas.config}).
     */
    static String clientKey(String variable) {
        return KafkaClientSettings.PREFIX + variable.substring(CLIENT_ENV_PREFIX.length()).toLowerCase(Locale.ROOT)
                .replace('_', '.').replace("...", "-").replace("..", "_");
    }

    private static ObjectNode readDefaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("sensorium-defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("built-in defaults are unreadable", e);
        }
    }

    private static JsonNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("configuration file " + file + " does not exist");
        }
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node != null && !node.isObject() && !node.isMissingNode()) {
                throw new ConfigException("configuration file " + file + " is not a YAML mapping");
            }
            return node;
        } catch (IOException e) {
            throw new ConfigException("configuration file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    private static void merge(ObjectNode target, JsonNode layer, String prefix, String origin, Map<String, String> origins) {
        if (layer == null) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = layer.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            JsonNode existing = target.get(field.getKey());
            if (existing == null) {
                throw new ConfigException("unknown configuration key '" + key + "' in " + origin);
            }
            if (key.equals(KafkaClientSettings.SECTION)) {
                mergeClientSettings((ObjectNode) existing, field.getValue(), "", origin, origins);
            } else if (existing.isObject() && field.getValue().isObject() && !OPEN_MAPPINGS.contains(key)) {
                merge((ObjectNode) existing, field.getValue(), key + ".", origin, origins);
            } else {
                target.set(field.getKey(), field.getValue());
                origins.put(key, " (" + origin + ")");
            }
        }
    }

    /**
     * The open mapping of Kafka settings: any name, as Kafka spells it ({@code sasl.jaas.config: ...}), or nested
     * ({@code sasl: {mechanism: PLAIN}}), which names {@code sasl.mechanism}.
     */
    private static void mergeClientSettings(ObjectNode client, JsonNode layer, String prefix, String origin,
                                            Map<String, String> origins) {
        // "client:" with nothing under it is null, and sets nothing.
        if (!layer.isObject() && !layer.isNull()) {
            throw new ConfigException(KafkaClientSettings.SECTION + " must be a mapping of Kafka settings to values, in "
                    + origin);
        }
        Iterator<Map.Entry<String, JsonNode>> fields = layer.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = prefix + field.getKey();
            if (field.getValue().isObject()) {
                mergeClientSettings(client, field.getValue(), name + ".", origin, origins);
            } else {
                client.set(name, field.getValue());
                origins.put(KafkaClientSettings.PREFIX + name, " (" + origin + ")");
            }
        }
    }

    private static void set(ObjectNode tree, String key, String value, String origin, Map<String, String> origins) {
        if (key.startsWith(KafkaClientSettings.PREFIX) && key.length() > KafkaClientSettings.PREFIX.length()) {
            ((ObjectNode) tree.at("/" + KafkaClientSettings.SECTION.replace('.', '/')))
                    .put(key.substring(KafkaClientSettings.PREFIX.length()), value);
        } else {
            setKnown(tree, key, value, origin);
        }
        origins.put(key, " (" + origin + ")");
    }

    private static void setKnown(ObjectNode tree, String key, String value, String origin) {
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode)) {
                throw new ConfigException("unknown configuration key '" + key + "' (" + origin + ")");
            }
            node = (ObjectNode) child;
        }
        String leaf = parts[parts.length - 1];
        if (!node.has(leaf) || node.get(leaf).isObject()) {
            throw new ConfigException("unknown configuration key '" + key + "' (" + origin + ")");
        }
        node.set(leaf, TextNode.valueOf(value));
    }

    private static List<String> leafKeys(JsonNode node, String prefix) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            JsonNode child = node.get(name);
            String key = prefix.isEmpty() ? name : prefix + "." + name;
            if (child.isObject()) {
                keys.addAll(leafKeys(child, key));
            } else {
                keys.add(key);
            }
        });
        return keys;
    }

    /** Reads a path, with a leading {@code ~} meaning the user's home, as a shell would expand it. */
    private static final class HomePathDeserializer extends StdScalarDeserializer<Path> {
        HomePathDeserializer() {
            super(Path.class);
        }

        @Override
        public Path deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            if (text.equals("~") || text.startsWith("~/")) {
                return Path.of(System.getProperty("user.home") + text.substring(1));
            }
            return Path.of(text);
        }
    }
}
