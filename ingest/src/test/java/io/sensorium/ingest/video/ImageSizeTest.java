package io.sensorium.ingest.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_WEBP_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header layouts {@link StillImageDecoderTest}'s files do not reach: lossless and extended WebP, big-endian TIFF,
 * sizes past 16 bits; and headers cut short or of no known format, which have no size. Which JPEGs a frame record
 * may carry as they are.
 */
class ImageSizeTest {

    @Test
    void losslessWebp() {
        try (Mat image = new Mat(90, 70, CV_8UC3, new Scalar(1, 2, 3, 0)); BytePointer out = new BytePointer();
             IntPointer lossless = new IntPointer(IMWRITE_WEBP_QUALITY, 101)) {
            assertThat(imencode(".webp", image, out, lossless)).isTrue();
            byte[] webp = new byte[(int) out.limit()];
            out.get(webp);
            assertThat(new String(webp, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("VP8L");
            assertThat(ImageSize.read(webp)).contains(new ImageSize(70, 90));
        }
    }

    @Test
    void extendedWebpDeclaringAHugeCanvas() {
        ByteBuffer webp = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
        webp.put(ascii("RIFF")).putInt(22).put(ascii("WEBPVP8X")).putInt(10).putInt(0);
        webp.put(u24(40_000 - 1)).put(u24(30_000 - 1));
        assertThat(ImageSize.read(webp.array())).contains(new ImageSize(40_000, 30_000));
    }

    @Test
    void bigEndianTiffWithALongWidthAndAShortHeight() {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 2 * 12).order(ByteOrder.BIG_ENDIAN);
        tiff.put(ascii("MM")).putShort((short) 42).putInt(8).putShort((short) 2);
        tiff.putShort((short) 256).putShort((short) 4).putInt(1).putInt(70_000);
        tiff.putShort((short) 257).putShort((short) 3).putInt(1).putShort((short) 500).putShort((short) 0);
        assertThat(ImageSize.read(tiff.array())).contains(new ImageSize(70_000, 500));
    }

    @Test
    void pngSizesAreUnsigned32Bit() {
        assertThat(ImageSize.read(TestImages.pngHeader(-1, 3))).contains(new ImageSize(4_294_967_295L, 3));
    }

    @Test
    void aHeaderCutShortOrUnknownHasNoSize() {
        byte[] png = TestImages.pngHeader(100, 100);
        assertThat(ImageSize.read(Arrays.copyOf(png, 20))).isEmpty();
        assertThat(ImageSize.read(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 0})).isEmpty();
        assertThat(ImageSize.read(ascii("GIF8"))).isEmpty();
        assertThat(ImageSize.read(ascii("P6\n100 100\n255\n"))).as("PPM: not a format ingest reads as a still").isEmpty();
        assertThat(ImageSize.read(new byte[0])).isEmpty();
    }

    @Test
    void onlyABaselineColourJpegGoesOutAsItIs(@TempDir Path dir) throws Exception {
        TestImages.writeReadable(dir);
        assertThat(ImageSize.isBaselineColourJpeg(jpeg(new Scalar(1, 2, 3, 0), CV_8UC3, 0))).isTrue();
        assertThat(ImageSize.isBaselineColourJpeg(jpeg(new Scalar(1, 2, 3, 0), CV_8UC3, 1))).as("progressive").isFalse();
        assertThat(ImageSize.isBaselineColourJpeg(Files.readAllBytes(dir.resolve("f-grey.jpg")))).isFalse();
        assertThat(ImageSize.isBaselineColourJpeg(Files.readAllBytes(dir.resolve("j-cmyk.jpg")))).isFalse();
        assertThat(ImageSize.isBaselineColourJpeg(Files.readAllBytes(dir.resolve("e-grey.png")))).isFalse();
        assertThat(ImageSize.isBaselineColourJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})).isFalse();
    }

    private static byte[] jpeg(Scalar colour, int type, int progressive) {
        try (Mat image = new Mat(30, 40, type, colour); BytePointer out = new BytePointer();
             IntPointer params = new IntPointer(IMWRITE_JPEG_PROGRESSIVE, progressive)) {
            assertThat(imencode(".jpg", image, out, params)).isTrue();
            byte[] jpeg = new byte[(int) out.limit()];
            out.get(jpeg);
            return jpeg;
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] u24(int value) {
        return new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16)};
    }
}
