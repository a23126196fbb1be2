package io.sensorium.processors.vision.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorium.core.records.InvalidRecordException;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A JPEG's declared size is read without decoding; broken and truncated ones are told apart from good ones. */
class JpegHeaderTest {

    @Test
    void readsTheSizeAndRefusesBrokenOnes() throws Exception {
        byte[] jpeg = Files.readAllBytes(VisionFixtures.path("images/chelsea.jpg"));
        assertThat(JpegHeader.read(jpeg)).isEqualTo(new JpegHeader(451, 300));
        byte[] padded = Arrays.copyOf(jpeg, jpeg.length + 16);
        assertThat(JpegHeader.read(padded)).isEqualTo(new JpegHeader(451, 300));
        assertThatThrownBy(() -> JpegHeader.read(Arrays.copyOf(jpeg, jpeg.length - 100)))
                .isInstanceOf(InvalidRecordException.class).hasMessageStartingWith("truncated JPEG");
        assertThatThrownBy(() -> JpegHeader.read(Files.readAllBytes(VisionFixtures.path("images/chelsea.png"))))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("SOI");
        assertThatThrownBy(() -> JpegHeader.read(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("no start-of-frame");
    }
}
