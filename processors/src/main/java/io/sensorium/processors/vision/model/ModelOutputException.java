package io.sensorium.processors.vision.model;

/** A model gave outputs that do not fit what its config.json says (a wrong number of labels, a missing output). */
public class ModelOutputException extends RuntimeException {
    public ModelOutputException(String message) {
        super(message);
    }
}
