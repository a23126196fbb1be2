package io.sensorium.cli;

import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.SensoriumConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command shares; they form the top layer of the configuration. */
final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (see deploy/sensorium.yaml).")
    Path file;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka cluster to use; without one an in-process broker is started.")
    String bootstrapServers;

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model directory (Hugging Face ONNX layout): Whisper for speech commands, DETR/YOLOS/ViT for vision ones.")
    Path model;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any configuration key, e.g. --set audio.chunk-seconds=0.5")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The configuration, with {@code --model} as the speech model. */
    SensoriumConfig load() {
        return load("speech.model");
    }

    /** The configuration, with {@code --model} setting {@code modelKey}. */
    SensoriumConfig load(String modelKey) {
        return load(modelKey, Map.of());
    }

    /** The configuration, with {@code --model} setting {@code modelKey} and {@code fixed} over the user's settings. */
    SensoriumConfig load(String modelKey, Map<String, String> fixed) {
        Map<String, String> overrides = new LinkedHashMap<>(settings);
        overrides.putAll(fixed);
        if (bootstrapServers != null) {
            overrides.put("kafka.bootstrap-servers", bootstrapServers);
        }
        if (model != null) {
            overrides.put(modelKey, model.toString());
        }
        return ConfigLoader.load(file, System.getenv(), overrides);
    }
}
