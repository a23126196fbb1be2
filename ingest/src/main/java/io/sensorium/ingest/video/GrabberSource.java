package io.sensorium.ingest.video;

import io.sensorium.ingest.FfmpegErrors;
import io.sensorium.ingest.FfmpegLogging;
import io.sensorium.ingest.FfmpegNetwork;
import io.sensorium.ingest.InputPaths;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;

/**
 * A video file, a GIF or a live URL (RTSP, HTTP, UDP...) read with FFmpeg through JavaCV; image frames only: the
 * decoder's pictures as they are, for publishing ({@link FrameEncoder} converts each once, on its way to JPEG), or
 * 8-bit BGR, for a still decoded for its pixels.
 */
final class GrabberSource implements FrameSource {
    private static final int BGR_CHANNELS = 3;

    static {
        FfmpegLogging.routeThroughLogging();
    }

    private final String location;
    private final FFmpegFrameGrabber grabber;
    /** Null where the frames are the decoder's pictures. */
    private final OpenCVFrameConverter.ToMat bgr;

    /**
     * The decoder's pictures, unconverted: a conversion to BGR here, and another from BGR to the JPEG's YUV at
     * ingest, would cost more than decoding them.
     *
     * @param maxPixels a source whose frames declare more pixels than this is refused before its first frame
     */
    static GrabberSource pictures(String location, long maxPixels) {
        return new GrabberSource(location, maxPixels, false);
    }

    /** 8-bit BGR images; see {@link #pictures}. */
    static GrabberSource bgr(String location, long maxPixels) {
        return new GrabberSource(location, maxPixels, true);
    }

    private GrabberSource(String location, long maxPixels, boolean toBgr) {
        this.location = location;
        this.grabber = new FFmpegFrameGrabber(location);
        this.bgr = toBgr ? new OpenCVFrameConverter.ToMat() : null;
        if (toBgr) {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        } else {
            grabber.setImageMode(FrameGrabber.ImageMode.RAW);
        }
        FfmpegNetwork.configure(grabber, location);
        if (InputPaths.isUrl(location)) {
            // FFmpeg decodes on a thread per core by default, frame-parallel: each thread holds a frame back, which a
            // live camera's results wait for (at 10 fps, 0.1 s a thread), and each camera would take as many threads.
            // One thread decodes a camera's frames as they come (640x480: under a millisecond each).
            grabber.setVideoOption("threads", "1");
        }
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
        long timestamp = Math.max(0, grabber.getTimestamp());
        if (bgr == null) {
            return VideoFrame.picture((AVFrame) frame.opaque, timestamp);
        }
        // JavaCV takes the channels to be the row stride over the width, which FFmpeg's row alignment inflates for
        // frames narrower than it (a 2x2 GIF came out with 96 channels); the frames are BGR24, as asked.
        frame.imageChannels = BGR_CHANNELS;
        return new VideoFrame(null, bgr.convert(frame), timestamp, null);
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
            if (bgr != null) {
                bgr.close();
            }
        }
    }
}
