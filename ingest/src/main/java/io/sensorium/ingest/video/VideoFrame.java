package io.sensorium.ingest.video;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A decoded frame as a source yields it: a video's or a camera's picture as FFmpeg decoded it (in the decoder's own
 * pixel format, converted once, by {@link FrameEncoder}), or a still image's BGR pixels. Either is owned by the
 * source and valid until its next frame.
 *
 * @param picture         the decoder's picture, or null for a still
 * @param image           a still's 8-bit BGR pixels, or null for a picture
 * @param timestampMicros presentation time from the start of the source
 * @param jpeg            the source's own JPEG bytes when it had them (a still image), else null
 */
record VideoFrame(AVFrame picture, Mat image, long timestampMicros, byte[] jpeg) {
    static VideoFrame picture(AVFrame picture, long timestampMicros) {
        return new VideoFrame(picture, null, timestampMicros, null);
    }

    static VideoFrame still(Mat image, byte[] jpeg) {
        return new VideoFrame(null, image, 0, jpeg);
    }

    int width() {
        return picture != null ? picture.width() : image.cols();
    }

    int height() {
        return picture != null ? picture.height() : image.rows();
    }
}
