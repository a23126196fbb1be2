package io.sensorium.cli;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Synthetic videos for the vision tests, made with FFmpeg through JavaCV. */
final class TestVideos {
    private TestVideos() {}

    /** An MP4 (MPEG-4 Part 2) of {@code frames} frames, each a flat colour that changes with the frame number. */
    static Path mp4(Path file, int frames, int fps, int width, int height) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setVideoQuality(2);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                try (Mat image = new Mat(height, width, CV_8UC3, new Scalar(20 * i % 256, 255 - 20 * i % 256, 128, 0))) {
                    recorder.record(converter.convert(image));
                }
            }
            recorder.stop();
        }
        return file;
    }
}
