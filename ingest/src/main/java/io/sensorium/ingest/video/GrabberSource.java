package io.sensorium.ingest.video;

import io.sensorium.ingest.FfmpegErrors;
import io.sensorium.ingest.FfmpegLogging;
import io.sensorium.ingest.FfmpegNetwork;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;

/**
 * A video file, a GIF or a live URL (RTSP, HTTP, UDP...) read with FFmpeg through JavaCV; image frames only, as
 * 8-bit BGR.
 */
final class GrabberSource implements FrameSource {
    private static final int BGR_CHANNELS = 3;

    static {
        FfmpegLogging.routeThroughLogging();
    }

    private final String location;
    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();

    /** @param maxPixels a source whose frames declare more pixels than this is refused before its first frame */
    GrabberSource(String location, long maxPixels) {
        this.location = location;
        this.grabber = new FFmpegFrameGrabber(location);
        grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        FfmpegNetwork.configure(grabber, location);
        try {
            grabber.start();
            if (grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
                throw new FrameSourceException(location + " has no pictures: FFmpeg finds no video stream in it");
            }
            new ImageSize(grabber.getImageWidth(), grabber.getImageHeight()).requireWithin(maxPixels, location);
        } catch (FrameGrabber.Exception e) {
            release();
            throw new FrameSourceException("cannot open " + location + ": " + FfmpegErrors.describe(e), e);
        } catch (FrameSourceException e) {
            release();
            throw e;
        }
    }

    @Override
    public VideoFrame next() {
        Frame frame;
        try {
            frame = grabber.grabImage();
        } catch (FrameGrabber.Exception e) {
            throw new FrameSourceException("reading " + location + " failed: " + FfmpegErrors.describe(e), e);
        }
        if (frame == null) {
            return null;
        }
        // JavaCV takes the channels to be the row stride over the width, which FFmpeg's row alignment inflates for
        // frames narrower than it (a 2x2 GIF came out with 96 channels); the frames are BGR24, as asked.
        frame.imageChannels = BGR_CHANNELS;
        return new VideoFrame(converter.convert(frame), Math.max(0, grabber.getTimestamp()), null);
    }

    @Override
    public void close() {
        release();
    }

    private void release() {
        try {
            grabber.release();
        } catch (FrameGrabber.Exception e) {
            throw new FrameSourceException("cannot close " + location + ": " + FfmpegErrors.describe(e), e);
        } finally {
            converter.close();
        }
    }
}
