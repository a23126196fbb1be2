package io.sensorium.processors.onnx;

/** A model directory that cannot be used: a file missing, unreadable, or not matching what the config says. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
