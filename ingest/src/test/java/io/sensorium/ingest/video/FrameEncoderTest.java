package io.sensorium.ingest.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames become JPEGs through FFmpeg: a video's pictures straight from the decoder, stills from their BGR pixels;
 * what comes out decodes to the frame's pixels, at the published size, quantised as libjpeg does at the quality.
 */
class FrameEncoderTest {
    private static final Path PHOTO = Path.of("../models/fixtures/images/chelsea.png");

    @Test
    void aVideosPicturesBecomeJpegsOfTheirPixels(@TempDir Path dir) throws Exception {
        Path clip = VideoFiles.stillMp4(dir.resolve("chelsea.mp4"), PHOTO, 3, 10);
        try (GrabberSource pictures = GrabberSource.pictures(clip.toString(), Long.MAX_VALUE);
             GrabberSource bgr = GrabberSource.bgr(clip.toString(), Long.MAX_VALUE);
             FrameEncoder encoder = new FrameEncoder(0, 90)) {
            for (int i = 0; i < 3; i++) {
                VideoFrame picture = pictures.next();
                Mat expected = bgr.next().image();
                assertThat(picture.picture()).as("the decoder's picture").isNotNull();
                try (Mat decoded = decode(encoder.encode(picture))) {
                    assertThat(new int[] {decoded.cols(), decoded.rows()}).containsExactly(expected.cols(), expected.rows());
                    // The JPEG's loss, at quality 90, on a photo: about a level on average.
                    assertThat(meanAbsoluteDifference(decoded, expected)).as("frame " + i).isLessThan(2.5);
                }
            }
        }
    }

    @Test
    void stillsAreScaledDownToTheLongSideAndTheirOwnJpegPassesThrough() {
        try (Mat photo = imread(PHOTO.toString()); FrameEncoder small = new FrameEncoder(225, 90);
             FrameEncoder asIs = new FrameEncoder(0, 90)) {
            byte[] own = {(byte) 0xff, (byte) 0xd8};
            assertThat(asIs.encode(VideoFrame.still(photo, own))).isSameAs(own);
            try (Mat decoded = decode(small.encode(VideoFrame.still(photo, own)))) {
                assertThat(new int[] {decoded.cols(), decoded.rows()}).containsExactly(225, 150);
                // The same size as a picture of another size and format: the encoder follows each frame's.
                try (Mat full = decode(asIs.encode(VideoFrame.still(photo, null)))) {
                    assertThat(meanAbsoluteDifference(full, photo)).isLessThan(2.5);
                }
            }
        }
    }

    @Test
    void quantisationIsLibjpegsAtTheQuality() {
        try (Mat photo = imread(PHOTO.toString())) {
            for (int quality : new int[] {30, 75, 90}) {
                try (FrameEncoder encoder = new FrameEncoder(0, quality)) {
                    List<int[]> ours = quantisationTables(encoder.encode(VideoFrame.still(photo, null)));
                    List<int[]> libjpeg = quantisationTables(openCvJpeg(photo, quality));
                    assertThat(ours).hasSize(2);
                    for (int table = 0; table < 2; table++) {
                        // All but the DC step, which FFmpeg's MJPEG encoder keeps at 8.
                        assertThat(ours.get(table)[0]).isEqualTo(8);
                        assertThat(Arrays.copyOfRange(ours.get(table), 1, 64)).as("quality " + quality)
                                .containsExactly(Arrays.copyOfRange(libjpeg.get(table), 1, 64));
                    }
                }
            }
        }
    }

    /** The 8-bit tables of a JPEG's DQT segments, in the order they come (zigzag within each). */
    private static List<int[]> quantisationTables(byte[] jpeg) {
        List<int[]> tables = new ArrayList<>();
        int at = 2;
        while (at + 4 <= jpeg.length && (jpeg[at + 1] & 0xff) != 0xda) {
            int length = ((jpeg[at + 2] & 0xff) << 8) | (jpeg[at + 3] & 0xff);
            if ((jpeg[at + 1] & 0xff) == 0xdb) {
                for (int table = at + 4; table < at + 2 + length; table += 65) {
                    int[] values = new int[64];
                    for (int i = 0; i < 64; i++) {
                        values[i] = jpeg[table + 1 + i] & 0xff;
                    }
                    tables.add(values);
                }
            }
            at += 2 + length;
        }
        return tables;
    }

    private static byte[] openCvJpeg(Mat image, int quality) {
        try (BytePointer out = new BytePointer(); IntPointer parameters = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
            assertThat(imencode(".jpg", image, out, parameters)).isTrue();
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    private static Mat decode(byte[] jpeg) {
        try (Mat buffer = new Mat(1, jpeg.length, CV_8UC1, new BytePointer(jpeg))) {
            Mat image = imdecode(buffer, IMREAD_COLOR);
            assertThat(image.empty()).as("OpenCV decodes the JPEG").isFalse();
            return image;
        }
    }

    private static double meanAbsoluteDifference(Mat a, Mat b) {
        try (Mat difference = new Mat()) {
            absdiff(a, b, difference);
            Scalar channels = mean(difference);
            return (channels.get(0) + channels.get(1) + channels.get(2)) / 3;
        }
    }
}
