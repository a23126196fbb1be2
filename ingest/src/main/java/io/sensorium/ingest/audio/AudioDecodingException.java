package io.sensorium.ingest.audio;

import java.io.IOException;

/** A file that is missing, unreadable, or holds no audio FFmpeg can decode. */
public class AudioDecodingException extends IOException {
    public AudioDecodingException(String message) {
        super(message);
    }

    public AudioDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
