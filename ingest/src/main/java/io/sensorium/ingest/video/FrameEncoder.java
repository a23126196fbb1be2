package io.sensorium.ingest.video;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Scales a frame down to the configured long side (never up) and encodes it as JPEG. */
final class FrameEncoder {
    private final int maxSide;
    private final int quality;

    /** @param maxSide the longest side a published frame may have; 0 for no limit */
    FrameEncoder(int maxSide, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1-100, not " + quality);
        }
        this.maxSide = maxSide;
        this.quality = quality;
    }

    /** @return {width, height} a frame of this size is published at */
    int[] publishedSize(int width, int height) {
        int longest = Math.max(width, height);
        if (maxSide <= 0 || longest <= maxSide) {
            return new int[] {width, height};
        }
        double scale = (double) maxSide / longest;
        return new int[] {Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))};
    }

    /** The frame's JPEG: the source's own bytes when it had them and no scaling is needed, else encoded here. */
    byte[] encode(VideoFrame frame) {
        try {
            return scaledJpeg(frame);
        } catch (FrameSourceException e) {
            throw e; // says what failed already
        } catch (RuntimeException e) {
            // What OpenCV throws: a frame that cannot be scaled or encoded is that frame failing, not the whole ingest.
            Mat image = frame.image();
            throw FrameSourceException.openCv("cannot scale and encode a " + image.cols() + "x" + image.rows() + " frame", e);
        }
    }

    private byte[] scaledJpeg(VideoFrame frame) {
        Mat image = frame.image();
        int[] size = publishedSize(image.cols(), image.rows());
        boolean scale = size[0] != image.cols() || size[1] != image.rows();
        if (!scale && frame.jpeg() != null) {
            return frame.jpeg();
        }
        if (!scale) {
            return jpeg(image);
        }
        try (Mat scaled = new Mat(); Size target = new Size(size[0], size[1])) {
            // INTER_AREA averages the pixels a target pixel covers: a downscale without aliasing.
            resize(image, scaled, target, 0, 0, INTER_AREA);
            return jpeg(scaled);
        }
    }

    private byte[] jpeg(Mat image) {
        try (BytePointer out = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
            if (!imencode(".jpg", image, out, params)) {
                throw new FrameSourceException("OpenCV cannot encode a " + image.cols() + "x" + image.rows() + " frame as JPEG");
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
