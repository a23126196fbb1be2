package io.sensorium.ingest.video;

/** A source could not be opened or read: a missing or undecodable file, an unreachable or dropped camera. */
public class FrameSourceException extends RuntimeException {
    public FrameSourceException(String message) {
        super(message);
    }

    public FrameSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
