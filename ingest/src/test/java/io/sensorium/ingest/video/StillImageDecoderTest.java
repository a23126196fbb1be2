package io.sensorium.ingest.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every still-image format and pixel layout decodes to 8-bit BGR of its own size; every file that cannot be an
 * image is refused with its reason, the decompression bomb from its header alone.
 */
class StillImageDecoderTest {
    private static final long MAX_PIXELS = 89_478_485;

    @Test
    void decodesEveryFormatToBgr(@TempDir Path dir) throws Exception {
        StillImageDecoder decoder = new StillImageDecoder(MAX_PIXELS);
        for (Map.Entry<String, int[]> image : TestImages.writeReadable(dir).entrySet()) {
            Path file = dir.resolve(image.getKey());
            byte[] bytes = Files.readAllBytes(file);
            assertThat(ImageSize.read(bytes)).as(image.getKey())
                    .contains(new ImageSize(image.getValue()[0], image.getValue()[1]));
            try (Mat decoded = decoder.decode(file, bytes)) {
                assertThat(decoded.type()).as(image.getKey()).isEqualTo(CV_8UC3);
                assertThat(new int[] {decoded.cols(), decoded.rows()}).as(image.getKey()).isEqualTo(image.getValue());
            }
        }
    }

    @Test
    void refusesWhatIsNoImageWithItsReason(@TempDir Path dir) throws Exception {
        StillImageDecoder decoder = new StillImageDecoder(MAX_PIXELS);
        for (Map.Entry<String, String> bad : TestImages.writeUnreadable(dir).entrySet()) {
            Path file = dir.resolve(bad.getKey());
            byte[] bytes = Files.readAllBytes(file);
            assertThatThrownBy(() -> decoder.decode(file, bytes)).as(bad.getKey())
                    .isInstanceOf(FrameSourceException.class)
                    .hasMessage(file + " " + bad.getValue());
        }
    }

    @Test
    void theLimitIsTheConfiguredOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.png");
        Files.write(file, TestImages.pngHeader(1000, 1000));
        assertThatThrownBy(() -> new StillImageDecoder(999_999).decode(file, Files.readAllBytes(file)))
                .hasMessage(file + " declares 1000x1000 = 1000000 pixels, over the limit of 999999"
                        + " (video.max-source-pixels); refused before decoding");
    }
}
