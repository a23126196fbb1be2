package io.sensorium.ingest.video;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.nio.file.Path;
import java.util.function.IntFunction;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Synthetic videos for the tests, made with FFmpeg through JavaCV: one flat colour per frame, or one photo in every
 * frame (a camera watching a still scene).
 */
public final class VideoFiles {
    private VideoFiles() {}

    public static Path mpegTs(Path file, int frames, int fps, int width, int height) throws Exception {
        return record(file, "mpegts", frames, fps, width, height);
    }

    public static Path mp4(Path file, int frames, int fps, int width, int height) throws Exception {
        return record(file, "mp4", frames, fps, width, height);
    }

    /** An MP4 of {@code photo} in each of its frames (its width and height cut to even numbers, as YUV 4:2:0 needs). */
    public static Path stillMp4(Path file, Path photo, int frames, int fps) throws Exception {
        try (Mat image = imread(photo.toString())) {
            if (image.empty()) {
                throw new IllegalArgumentException("cannot read " + photo);
            }
            int width = image.cols() & ~1;
            int height = image.rows() & ~1;
            return record(file, "mp4", frames, fps, width, height,
                    i -> new Mat(image, new Rect(0, 0, width, height)).clone());
        }
    }

    private static Path record(Path file, String format, int frames, int fps, int width, int height) throws Exception {
        return record(file, format, frames, fps, width, height,
                i -> new Mat(height, width, CV_8UC3, new Scalar(12 * i % 256, 255 - 12 * i % 256, 128, 0)));
    }

    private static Path record(Path file, String format, int frames, int fps, int width, int height,
                               IntFunction<Mat> frame) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            recorder.setFormat(format);
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setVideoQuality(2);
            // A key frame every frame, so a stream cut anywhere decodes up to the cut.
            recorder.setGopSize(1);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                try (Mat image = frame.apply(i)) {
                    recorder.record(converter.convert(image));
                }
            }
            recorder.stop();
        }
        return file;
    }
}
