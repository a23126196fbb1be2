package io.sensorium.cli;

import java.io.IOException;
import java.nio.file.Files;

/** The speech fixture models/fixtures/audio/jfk.wav (16 kHz mono 16-bit) and what it says. */
final class JfkSample {
    static final double SECONDS = 11.0;
    /** Its words, as Whisper tiny.en transcribes it offline (RealWhisperTranscriptTest), punctuation and all. */
    static final String TRANSCRIPT =
            "And so, my fellow Americans, ask not what your country can do for you,"
                    + " ask what you can do for your country.";

    private JfkSample() {
    }

    static byte[] wav() throws IOException {
        return Files.readAllBytes(TestPipeline.fixture("audio/jfk.wav"));
    }
}
