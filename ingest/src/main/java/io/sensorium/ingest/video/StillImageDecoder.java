package io.sensorium.ingest.video;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes one still image file to 8-bit BGR whatever its depth, channels or colour model (16-bit, grey, CMYK, alpha):
 * OpenCV for the formats it reads, FFmpeg for GIF, which it does not (the first frame of an animation, as Pillow
 * gives it). The size the header declares is checked first; every failure is a {@link FrameSourceException} naming
 * the file and the reason.
 */
final class StillImageDecoder {
    private final long maxPixels;

    /** @param maxPixels images declaring more pixels than this are refused before decoding */
    StillImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /** @return the image's BGR pixels, which the caller closes */
    Mat decode(Path file, byte[] bytes) {
        if (bytes.length == 0) {
            throw new FrameSourceException(file + " is not a decodable image: the file is empty");
        }
        ImageSize size = ImageSize.read(bytes).orElseThrow(() -> new FrameSourceException(file
                + " is not a decodable image: it does not start with a complete " + ImageSize.FORMATS + " header"));
        size.requireWithin(maxPixels, file.toString());
        Mat image = ImageSize.isGif(bytes) ? firstFrame(file) : openCv(file, bytes);
        if (image.empty()) {
            image.close();
            throw new FrameSourceException(file + " is not a decodable image: its data is corrupt or cut short");
        }
        return image;
    }

    private static Mat openCv(Path file, byte[] bytes) {
        try (Mat buffer = new Mat(1, bytes.length, opencv_core.CV_8UC1, new BytePointer(bytes))) {
            // EXIF orientation is ignored, as Pillow (and so transformers) does: the model sees the pixels as stored.
            return imdecode(buffer, IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION);
        } catch (RuntimeException e) {
            throw FrameSourceException.openCv(file + " is not a decodable image", e);
        }
    }

    private Mat firstFrame(Path file) {
        try (GrabberSource gif = GrabberSource.bgr(file.toString(), maxPixels)) {
            VideoFrame frame = gif.next();
            if (frame == null) {
                throw new FrameSourceException(file + " is not a decodable image: it holds no frame");
            }
            // The frame lives in the grabber's buffer, which closing the grabber frees.
            return frame.image().clone();
        }
    }
}
