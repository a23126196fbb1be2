package io.sensorium.ingest;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FrameGrabber;

/**
 * FFmpeg's reason for a failure in words. JavaCV reports one as the failing call, FFmpeg's error number and
 * advice for the programmer ("Has setFormat() been called?"); a person needs the call and what the number means
 * ("Invalid data found when processing input", "Connection refused").
 */
public final class FfmpegErrors {
    private static final Pattern CALL_AND_CODE = Pattern.compile("^(\\w+\\(\\)) error (-?\\d+)");

    private FfmpegErrors() {}

    public static String describe(FrameGrabber.Exception e) {
        String message = String.valueOf(e.getMessage());
        Matcher call = CALL_AND_CODE.matcher(message);
        if (!call.find()) {
            return message;
        }
        return call.group(1) + ": " + describe(Integer.parseInt(call.group(2)));
    }

    /** What an FFmpeg error number (a negative return code) means. */
    public static String describe(int code) {
        byte[] text = new byte[avutil.AV_ERROR_MAX_STRING_SIZE];
        avutil.av_strerror(code, text, text.length);
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, StandardCharsets.UTF_8);
    }
}
