package io.sensorium.processors.speech;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How long an encoder input a live buffer gets: the buffer and 3 s of padding, at least 10 s, in steps of 5 s, at
 * most Whisper's 30 s window (frames of 10 ms).
 */
class LiveEncoderLengthTest {
    @ParameterizedTest(name = "a buffer of {0} frames is encoded as {1}")
    @CsvSource({
        "1, 1000", "700, 1000",                  // short buffers: 10 s
        "701, 1500", "1200, 1500",
        "1500, 2000",                            // 15 s: 20 s, where as much padding as it held made a whole window
        "2200, 2500",
        "2201, 3000", "3000, 3000"               // never more than a window
    })
    void aBufferGetsThreeSecondsOfPaddingRoundedUpToFiveSecondSteps(int bufferFrames, int encoderFrames) {
        assertThat(SpeechEngine.shortEncoderFrames(bufferFrames)).isEqualTo(encoderFrames);
    }
}
