package io.sensorium.core.config;

/** A configuration that cannot be used; its message names the key or file at fault. */
public class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String message) {
        this(message, (String) null);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
        this.key = null;
    }

    /** @param key the configuration key whose value is wrong, so the loader can add where it was set */
    public ConfigException(String message, String key) {
        super(message);
        this.key = key;
    }

    public ConfigException(String message, String key, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The key at fault, or null when the message names a file or several keys. */
    public String key() {
        return key;
    }
}
