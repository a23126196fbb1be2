package io.sensorium.ingest.audio;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_sample_fmt_is_planar;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_get_out_samples;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Down-mix, resampling and sample-format conversion in one libswresample pass with its default options — what the
 * ffmpeg command does for {@code -ac 1 -ar 16000 -f s16le}, so the output is the same sample for sample. It also
 * drains the resampler's delay at the end (JavaCV's grabber, resampling by itself, drops those last samples).
 */
final class FfmpegResampler implements AutoCloseable {
    private final SwrContext swr;
    private final int channels;
    private final boolean planar;
    private final int inputRate;
    private final int outputRate;

    FfmpegResampler(int channels, int sampleFormat, int inputRate, int outputRate) throws AudioDecodingException {
        this.channels = channels;
        this.planar = av_sample_fmt_is_planar(sampleFormat) != 0;
        this.inputRate = inputRate;
        this.outputRate = outputRate;
        AVChannelLayout in = new AVChannelLayout();
        AVChannelLayout out = new AVChannelLayout();
        av_channel_layout_default(in, channels);
        av_channel_layout_default(out, 1);
        int error;
        try (PointerPointer<SwrContext> allocated = new PointerPointer<>(1)) {
            allocated.put(0, null);
            error = swr_alloc_set_opts2(allocated, out, AV_SAMPLE_FMT_S16, outputRate, in, sampleFormat, inputRate, 0, null);
            swr = error < 0 ? null : allocated.get(SwrContext.class, 0);
        }
        if (swr == null || swr_init(swr) < 0) {
            throw new AudioDecodingException("cannot resample " + channels + " channels at " + inputRate + " Hz to mono "
                    + outputRate + " Hz (libswresample error " + error + ")");
        }
    }

    /** Converts one decoded frame: {@code planes} as JavaCV's grabber returns them (one per channel when planar). */
    short[] convert(Buffer[] planes) {
        int samples = planar ? planes[0].remaining() : planes[0].remaining() / channels;
        try (PointerPointer<Pointer> in = new PointerPointer<>(planes.length)) {
            for (int i = 0; i < planes.length; i++) {
                in.put(i, pointerTo(planes[i]));
            }
            return run(in, samples);
        }
    }

    /** JavaCPP's typed pointers take a direct buffer's address as it is; the untyped one does not for all types. */
    private static Pointer pointerTo(Buffer plane) {
        if (plane instanceof ShortBuffer shorts) {
            return new ShortPointer(shorts);
        } else if (plane instanceof IntBuffer ints) {
            return new IntPointer(ints);
        } else if (plane instanceof FloatBuffer floats) {
            return new FloatPointer(floats);
        } else if (plane instanceof DoubleBuffer doubles) {
            return new DoublePointer(doubles);
        } else if (plane instanceof ByteBuffer bytes) {
            return new BytePointer(bytes);
        }
        throw new IllegalArgumentException("unexpected sample buffer " + plane.getClass().getName());
    }

    /** The samples still inside the resampler's filter once the input has ended. */
    short[] drain() {
        return run(null, 0);
    }

    private short[] run(PointerPointer<Pointer> in, int samples) {
        int capacity = swr_get_out_samples(swr, samples) + 32;
        try (BytePointer out = new BytePointer((long) capacity * 2);
             PointerPointer<BytePointer> outPlanes = new PointerPointer<>(1)) {
            // Not new PointerPointer<>(out): with one argument that is the cast constructor, not a one-element array.
            outPlanes.put(0, out);
            int produced = swr_convert(swr, outPlanes, capacity, in, samples);
            if (produced < 0) {
                throw new IllegalStateException("libswresample failed with error " + produced + " converting "
                        + inputRate + " Hz to " + outputRate + " Hz");
            }
            short[] result = new short[produced];
            out.asByteBuffer().order(java.nio.ByteOrder.nativeOrder()).asShortBuffer().get(result);
            return result;
        }
    }

    @Override
    public void close() {
        swr_free(swr);
    }
}
