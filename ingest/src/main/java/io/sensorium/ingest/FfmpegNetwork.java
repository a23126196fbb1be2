package io.sensorium.ingest;

import java.util.Locale;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/** The FFmpeg options a live URL is opened with, for audio and video alike. */
public final class FfmpegNetwork {
    /** A source that sends nothing for this long counts as dropped, rather than blocking ingest for ever. */
    static final long TIMEOUT_MICROS = 5_000_000;

    private FfmpegNetwork() {}

    /** Sets the options for {@code location} when it is a URL; a file or pipe is left as it is. */
    public static void configure(FFmpegFrameGrabber grabber, String location) {
        if (!InputPaths.isUrl(location)) {
            return;
        }
        grabber.setOption("rw_timeout", Long.toString(TIMEOUT_MICROS));
        if (location.toLowerCase(Locale.ROOT).startsWith("rtsp")) {
            // TCP: lost UDP packets would smear frames and cut audio; and a socket timeout, which RTSP names "timeout".
            grabber.setOption("rtsp_transport", "tcp");
            grabber.setOption("timeout", Long.toString(TIMEOUT_MICROS));
        }
    }
}
