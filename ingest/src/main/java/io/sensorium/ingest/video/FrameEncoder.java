package io.sensorium.ingest.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_QSCALE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.FF_QP2LAMBDA;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.sensorium.ingest.FfmpegErrors;
import io.sensorium.ingest.FfmpegLogging;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Scales a frame down to the configured long side (never up) and encodes it as JPEG with FFmpeg: swscale takes the
 * decoder's picture (or a still's BGR pixels) to full-range YUV 4:2:0 at the published size in one pass, and FFmpeg's
 * MJPEG encoder writes it with libjpeg's quantisation tables for {@code video.jpeg-quality}, so the key means what
 * it means to libjpeg (but the DC step, which FFmpeg's encoder keeps at 8: a block's mean to one level).
 *
 * <p>Why not OpenCV's imencode, as before: the libjpeg-turbo inside JavaCV's OpenCV is built without SIMD, and a
 * decoded picture had to become BGR for it and then YUV again inside it. A 640x480 camera frame took 4.4 ms to decode
 * and encode that way, 1.6 ms this way: at 16 cameras of 10 fps, half a core of two.
 *
 * <p>It holds FFmpeg's state for the size and pixel format it last saw: one encoder per source, closed with it.
 */
final class FrameEncoder implements AutoCloseable {
    /** libjpeg's base tables (the JPEG standard's Annex K), row by row; libjpeg scales them by the quality. */
    private static final int[] LUMINANCE = {
            16, 11, 10, 16, 24, 40, 51, 61,
            12, 12, 14, 19, 26, 58, 60, 55,
            14, 13, 16, 24, 40, 57, 69, 56,
            14, 17, 22, 29, 51, 87, 80, 62,
            18, 22, 37, 56, 68, 109, 103, 77,
            24, 35, 55, 64, 81, 104, 113, 92,
            49, 64, 78, 87, 103, 121, 120, 101,
            72, 92, 95, 98, 112, 100, 103, 99};
    private static final int[] CHROMINANCE = {
            17, 18, 24, 47, 99, 99, 99, 99,
            18, 21, 26, 66, 99, 99, 99, 99,
            24, 26, 56, 99, 99, 99, 99, 99,
            47, 66, 99, 99, 99, 99, 99, 99,
            99, 99, 99, 99, 99, 99, 99, 99,
            99, 99, 99, 99, 99, 99, 99, 99,
            99, 99, 99, 99, 99, 99, 99, 99,
            99, 99, 99, 99, 99, 99, 99, 99};
    /** FFmpeg's MJPEG encoder quantises by matrix x qscale / 8: at 8, by the matrices as given. */
    private static final int QSCALE_AS_GIVEN = 8;

    static {
        // Stills come here without a GrabberSource, which would otherwise have routed FFmpeg's messages.
        FfmpegLogging.routeThroughLogging();
    }

    private final int maxSide;
    private final int quality;
    private SwsContext scaler;
    /** What {@link #scaler} converts: {width, height, pixel format, target width, target height}. */
    private int[] scalerFor;
    private AVCodecContext codec;
    private AVFrame yuv;
    private AVPacket packet;
    private long pts;

    /** @param maxSide the longest side a published frame may have; 0 for no limit */
    FrameEncoder(int maxSide, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1-100, not " + quality);
        }
        this.maxSide = maxSide;
        this.quality = quality;
    }

    /** @return {width, height} a frame of this size is published at */
    int[] publishedSize(int width, int height) {
        int longest = Math.max(width, height);
        if (maxSide <= 0 || longest <= maxSide) {
            return new int[] {width, height};
        }
        double scale = (double) maxSide / longest;
        return new int[] {Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))};
    }

    /** The frame's JPEG: the source's own bytes when it had them and no scaling is needed, else encoded here. */
    byte[] encode(VideoFrame frame) {
        int[] size = publishedSize(frame.width(), frame.height());
        if (frame.jpeg() != null && size[0] == frame.width() && size[1] == frame.height()) {
            return frame.jpeg();
        }
        if (frame.picture() != null) {
            AVFrame picture = frame.picture();
            return encode(picture.data(), picture.linesize(), picture.format(), frame.width(), frame.height(), size);
        }
        Mat image = frame.image();
        try (PointerPointer<?> planes = new PointerPointer<>(1).put(0, image.data());
             IntPointer strides = new IntPointer(1).put(0, (int) image.step())) {
            return encode(planes, strides, AV_PIX_FMT_BGR24, frame.width(), frame.height(), size);
        }
    }

    private byte[] encode(PointerPointer<?> planes, IntPointer strides, int format, int width, int height, int[] size) {
        scaleTo(width, height, format, size);
        check(av_frame_make_writable(yuv), width, height);
        sws_scale(scaler, planes, strides, 0, height, yuv.data(), yuv.linesize());
        yuv.pts(pts++);
        yuv.quality(codec.global_quality());
        check(avcodec_send_frame(codec, yuv), width, height);
        check(avcodec_receive_packet(codec, packet), width, height);
        try {
            byte[] jpeg = new byte[packet.size()];
            packet.data().get(jpeg);
            return jpeg;
        } finally {
            av_packet_unref(packet);
        }
    }

    /** Makes the converter (and the encoder, for a new published size) for frames of this size and format. */
    private void scaleTo(int width, int height, int format, int[] size) {
        int[] wanted = {width, height, format, size[0], size[1]};
        if (scalerFor != null && Arrays.equals(scalerFor, wanted)) {
            return;
        }
        if (codec == null || codec.width() != size[0] || codec.height() != size[1]) {
            openCodec(size[0], size[1]);
        }
        sws_freeContext(scaler);
        scalerFor = null;
        // SWS_AREA averages the pixels a target pixel covers: a downscale without aliasing (and at the same size a
        // plain conversion). The J format is JPEG's full-range YUV, which swscale stretches a video's TV range to;
        // FFmpeg deprecates it for a range flag, which swscale's YUV-to-YUV path here left unapplied to chroma.
        scaler = sws_getContext(width, height, format, size[0], size[1], AV_PIX_FMT_YUVJ420P, SWS_AREA, null, null,
                (DoublePointer) null);
        if (scaler == null) {
            throw new FrameSourceException("FFmpeg cannot convert " + width + "x" + height + " pictures of pixel format "
                    + format + " for JPEG encoding");
        }
        scalerFor = wanted;
    }

    private void openCodec(int width, int height) {
        freeCodec();
        AVCodec mjpeg = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
        codec = avcodec_alloc_context3(mjpeg);
        codec.width(width);
        codec.height(height);
        codec.pix_fmt(AV_PIX_FMT_YUVJ420P);
        codec.time_base(av_make_q(1, 1));
        codec.flags(codec.flags() | AV_CODEC_FLAG_QSCALE);
        codec.global_quality(QSCALE_AS_GIVEN * FF_QP2LAMBDA);
        // The codec context owns (and frees) the matrices.
        codec.intra_matrix(matrix(LUMINANCE));
        codec.chroma_intra_matrix(matrix(CHROMINANCE));
        // One encoder per source, each on its source's thread already.
        codec.thread_count(1);
        check(avcodec_open2(codec, mjpeg, (AVDictionary) null), width, height);
        yuv = av_frame_alloc();
        yuv.format(AV_PIX_FMT_YUVJ420P);
        yuv.width(width);
        yuv.height(height);
        check(av_frame_get_buffer(yuv, 0), width, height);
        packet = av_packet_alloc();
    }

    /** libjpeg's table for the quality (jcparam.c: jpeg_quality_scaling, baseline), in FFmpeg's memory. */
    private ShortPointer matrix(int[] base) {
        int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
        ShortPointer matrix = new ShortPointer(av_malloc(base.length * Short.BYTES)).capacity(base.length);
        for (int i = 0; i < base.length; i++) {
            matrix.put(i, (short) Math.max(1, Math.min(255, (base[i] * scale + 50) / 100)));
        }
        return matrix;
    }

    private static void check(int result, int width, int height) {
        if (result < 0) {
            throw new FrameSourceException("FFmpeg cannot encode a " + width + "x" + height + " frame as JPEG: "
                    + FfmpegErrors.describe(result));
        }
    }

    private void freeCodec() {
        if (codec != null) {
            avcodec_free_context(codec);
            av_frame_free(yuv);
            av_packet_free(packet);
            codec = null;
        }
    }

    @Override
    public void close() {
        freeCodec();
        sws_freeContext(scaler);
        scaler = null;
    }
}
