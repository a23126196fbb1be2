package io.sensorium.processors.vision.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorium.processors.onnx.ModelException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** A model's class names: config.json's {@code id2label}; ids it leaves out read as {@code LABEL_<id>}, as transformers does. */
final class Labels {
    private final Map<Integer, String> names;
    private final int count;

    private Labels(Map<Integer, String> names, int count) {
        this.names = names;
        this.count = count;
    }

    /** @param config config.json; the label count is {@code num_labels} when given, else one past the largest id */
    public static Labels parse(JsonNode config, Path file) {
        Map<Integer, String> names = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = config.path("id2label").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            try {
                names.put(Integer.parseInt(field.getKey()), field.getValue().asText());
            } catch (NumberFormatException e) {
                throw new ModelException(file + ": id2label key '" + field.getKey() + "' is not a number", e);
            }
        }
        int count = config.path("num_labels").asInt(names.isEmpty() ? 0 : ((TreeMap<Integer, String>) names).lastKey() + 1);
        if (count <= 0) {
            throw new ModelException(file + " names no labels (id2label or num_labels)");
        }
        return new Labels(names, count);
    }

    public int count() {
        return count;
    }

    public String name(int id) {
        return names.getOrDefault(id, "LABEL_" + id);
    }
}
