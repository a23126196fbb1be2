package io.sensorium.core.config;

/** A configuration that cannot be used; its message names the key or file at fault. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
