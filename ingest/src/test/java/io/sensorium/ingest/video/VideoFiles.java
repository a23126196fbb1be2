package io.sensorium.ingest.video;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Synthetic videos for the ingest tests, made with FFmpeg through JavaCV: one flat colour per frame. */
public final class VideoFiles {
    private VideoFiles() {}

    public static Path mpegTs(Path file, int frames, int fps, int width, int height) throws Exception {
        return record(file, "mpegts", frames, fps, width, height);
    }

    public static Path mp4(Path file, int frames, int fps, int width, int height) throws Exception {
        return record(file, "mp4", frames, fps, width, height);
    }

    private static Path record(Path file, String format, int frames, int fps, int width, int height) throws Exception {
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
                try (Mat image = new Mat(height, width, CV_8UC3, new Scalar(12 * i % 256, 255 - 12 * i % 256, 128, 0))) {
                    recorder.record(converter.convert(image));
                }
            }
            recorder.stop();
        }
        return file;
    }
}
