package io.sensorium.ingest;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegLogCallback;

/**
 * FFmpeg prints to the process's stderr by itself — stream listings, warnings about the files it reads — where a
 * person expects one line per failed input. Its errors go through our logging instead, and nothing below them.
 */
public final class FfmpegLogging {
    private static boolean routed;

    private FfmpegLogging() {}

    /** For the whole process; call it before using FFmpeg. */
    public static synchronized void routeThroughLogging() {
        if (!routed) {
            avutil.av_log_set_level(avutil.AV_LOG_ERROR);
            FFmpegLogCallback.set();
            routed = true;
        }
    }
}
