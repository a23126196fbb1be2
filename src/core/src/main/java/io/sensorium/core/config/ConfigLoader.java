package io.sensorium.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a {@link SensoriumConfig} from the defaults, an optional YAML file, the environment and key=value
 * overrides (the command line's), each layer replacing only the keys it names.
 */
public final class ConfigLoader {
    private static final String ENV_PREFIX = "SENSORIUM_";
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
        if (file != null) {
            merge(tree, readFile(file), file.toString());
        }
        for (String key : leafKeys(tree, "")) {
            String value = env.get(envName(key));
            if (value != null) {
                set(tree, key, value, "environment variable " + envName(key));
            }
        }
        overrides.forEach((key, value) -> set(tree, key, value, "option " + key));
        try {
            return YAML.treeToValue(tree, SensoriumConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException("invalid configuration: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code kafka.bootstrap-servers} -> {@code SENSORIUM_KAFKA_BOOTSTRAP_SERVERS}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
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

    private static void merge(ObjectNode target, JsonNode layer, String origin) {
        if (layer == null) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = layer.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = target.get(field.getKey());
            if (existing == null) {
                throw new ConfigException("unknown configuration key '" + field.getKey() + "' in " + origin);
            }
            if (existing.isObject() && field.getValue().isObject()) {
                merge((ObjectNode) existing, field.getValue(), origin);
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    private static void set(ObjectNode tree, String key, String value, String origin) {
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
