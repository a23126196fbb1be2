package io.sensorium.ingest.video;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Synthetic still images for the bad-input tests: one of every kind ingest must read, and the kinds it must refuse.
 * Made with OpenCV, javax.imageio (GIF and a 4-component CMYK JPEG, which OpenCV does not write) or by hand.
 */
public final class TestImages {
    public static final int WIDTH = 160;
    public static final int HEIGHT = 120;

    private TestImages() {}

    /**
     * Images of every format and pixel layout ingest reads, named in the order a folder lists them.
     *
     * @return file name -> {width, height}
     */
    public static Map<String, int[]> writeReadable(Path dir) {
        Map<String, int[]> sizes = new LinkedHashMap<>();
        int[] size = {WIDTH, HEIGHT};
        try (Mat bgr = new Mat(HEIGHT, WIDTH, CV_8UC3, new Scalar(40, 120, 200, 0));
             Mat grey = new Mat(HEIGHT, WIDTH, CV_8UC1, new Scalar(99, 0, 0, 0));
             Mat deep = new Mat(HEIGHT, WIDTH, CV_16UC3, new Scalar(40_000, 1_000, 20_000, 0));
             Mat alpha = new Mat(HEIGHT, WIDTH, CV_8UC4, new Scalar(40, 120, 200, 100))) {
            openCv(dir, "a-colour.bmp", bgr, sizes, size);
            openCv(dir, "b-colour.tiff", bgr, sizes, size);
            openCv(dir, "c-colour.webp", bgr, sizes, size);
            openCv(dir, "d-16-bit.png", deep, sizes, size);
            openCv(dir, "e-grey.png", grey, sizes, size);
            openCv(dir, "f-grey.jpg", grey, sizes, size);
            openCv(dir, "g-alpha.png", alpha, sizes, size);
        }
        gif(dir.resolve("h-colour.gif"), WIDTH, HEIGHT);
        sizes.put("h-colour.gif", size);
        gif(dir.resolve("i-tiny.gif"), 2, 2);
        sizes.put("i-tiny.gif", new int[] {2, 2});
        cmykJpeg(dir.resolve("j-cmyk.jpg"));
        sizes.put("j-cmyk.jpg", size);
        return sizes;
    }

    /**
     * Files with an image's name that no decoder can make an image of, or must not try to.
     *
     * @return file name -> the reason for refusing it, as the message goes on after the file's path
     */
    public static Map<String, String> writeUnreadable(Path dir) {
        Map<String, String> reasons = new LinkedHashMap<>();
        write(dir.resolve("k-empty.jpg"), new byte[0]);
        reasons.put("k-empty.jpg", "is not a decodable image: the file is empty");
        write(dir.resolve("l-bomb.png"), pngHeader(60_000, 60_000));
        reasons.put("l-bomb.png", "declares 60000x60000 = 3600000000 pixels, over the limit of 89478485"
                + " (video.max-source-pixels); refused before decoding");
        write(dir.resolve("m-garbage.png"), "this is not an image".getBytes(StandardCharsets.US_ASCII));
        reasons.put("m-garbage.png", "is not a decodable image: it does not start with a complete JPEG, PNG, GIF, BMP, TIFF or WebP header");
        write(dir.resolve("n-truncated.png"), Arrays.copyOf(pngHeader(WIDTH, HEIGHT), 40));
        reasons.put("n-truncated.png", "is not a decodable image: its data is corrupt or cut short");
        return reasons;
    }

    private static void openCv(Path dir, String name, Mat image, Map<String, int[]> sizes, int[] size) {
        if (!imwrite(dir.resolve(name).toString(), image)) {
            throw new IllegalStateException("OpenCV could not write " + name);
        }
        sizes.put(name, size);
    }

    public static void gif(Path file, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x3366CC);
        try {
            ImageIO.write(image, "gif", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JPEG of four components, without an Adobe marker: decoders take it as CMYK. */
    private static void cmykJpeg(Path file) {
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, WIDTH, HEIGHT, 4, null);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                cmyk.setPixel(x, y, new int[] {200, 50, x, 10});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /** A PNG signature and a valid IHDR chunk (8-bit RGB) declaring the size, and no image data. */
    public static byte[] pngHeader(int width, int height) {
        ByteBuffer png = ByteBuffer.allocate(8 + 25);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        png.putInt(13);
        int chunk = png.position();
        png.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height).put(new byte[] {8, 2, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(png.array(), chunk, 17);
        png.putInt((int) crc.getValue());
        return png.array();
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
