package io.sensorium.ingest.video;

import java.util.Locale;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;

/** A video file or a live URL (RTSP, HTTP, UDP...) read with FFmpeg through JavaCV; image frames only. */
final class GrabberSource implements FrameSource {
    /** A camera that sends nothing for this long counts as dropped, rather than blocking ingest for ever. */
    static final long NETWORK_TIMEOUT_MICROS = 5_000_000;

    private final String location;
    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();

    GrabberSource(String location) {
        this.location = location;
        this.grabber = new FFmpegFrameGrabber(location);
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
        } catch (FrameGrabber.Exception e) {
            release();
            throw new FrameSourceException("cannot open " + location + ": " + e.getMessage(), e);
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
            throw new FrameSourceException("reading " + location + " failed: " + e.getMessage(), e);
        }
        if (frame == null) {
            return null;
        }
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
            throw new FrameSourceException("cannot close " + location + ": " + e.getMessage(), e);
        } finally {
            converter.close();
        }
    }
}
