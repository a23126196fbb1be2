package io.sensorium.ingest.video;

import io.sensorium.ingest.FfmpegLogging;
import java.util.Locale;
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
    /** A camera that sends nothing for this long counts as dropped, rather than blocking ingest for ever. */
    static final long NETWORK_TIMEOUT_MICROS = 5_000_000;

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
        if (isUrl(location)) {
            grabber.setOption("rw_timeout", Long.toString(NETWORK_TIMEOUT_MICROS));
            if (location.toLowerCase(Locale.ROOT).startsWith("rtsp")) {
                // TCP: lost UDP packets would smear frames; and a socket timeout, which RTSP names "timeout".
                grabber.setOption("rtsp_transport", "tcp");
                grabber.setOption("timeout", Long.toString(NETWORK_TIMEOUT_MICROS));
            }
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

    static boolean isUrl(String source) {
        return source.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
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
