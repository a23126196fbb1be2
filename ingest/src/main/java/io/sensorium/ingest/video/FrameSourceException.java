package io.sensorium.ingest.video;

/** A source could not be opened or read: a missing or undecodable file, an unreachable or dropped camera. */
public class FrameSourceException extends RuntimeException {
    public FrameSourceException(String message) {
        super(message);
    }

    public FrameSourceException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An error OpenCV raised (JavaCPP turns its C++ exceptions into RuntimeExceptions), as one line: OpenCV's
     * message starts with its version and source file, which say nothing to the person whose file failed.
     */
    static FrameSourceException openCv(String context, RuntimeException e) {
        String message = String.valueOf(e.getMessage()).strip();
        int reason = message.indexOf("error: ");
        return new FrameSourceException(context + ": OpenCV: " + (reason >= 0 ? message.substring(reason + 7) : message), e);
    }
}
