package io.sensorium.core.records;

/**
 * A record that no retry can make processable: its bytes, headers or content break the record format. The
 * processors send such a record to the dead-letter topic with this message and go on with the stream.
 */
public class InvalidRecordException extends RuntimeException {
    public InvalidRecordException(String message) {
        super(message);
    }

    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
