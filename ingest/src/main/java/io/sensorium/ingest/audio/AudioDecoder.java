package io.sensorium.ingest.audio;

import io.sensorium.ingest.FfmpegErrors;
import io.sensorium.ingest.FfmpegLogging;
import io.sensorium.ingest.FfmpegNetwork;
import io.sensorium.ingest.InputPaths;
import io.sensorium.ingest.StopLatch;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes any audio FFmpeg reads — a file, a named pipe, standard input ({@code -}) or a URL — to mono signed
 * 16-bit samples at a given rate: what Whisper's own {@code load_audio} asks of the ffmpeg command
 * ({@code -f s16le -ac 1 -ar 16000}), through the same libraries, so the samples (and the features made from them)
 * match Whisper's. Samples are handed on as FFmpeg decodes them, so a pipe or a live stream is published as it
 * arrives.
 */
public final class AudioDecoder implements AutoCloseable {
    static {
        FfmpegLogging.routeThroughLogging();
    }

    /**
     * What FFmpeg may read of a pipe or a stream before the first sample is handed on. Its defaults (5 MB, 5 s) are
     * for finding the streams of containers that do not list them; on a pipe of WAV they held the first chunk back by
     * a second (the probe reads up to its size in audio before returning). A tenth of a second of packets and 32 KB
     * still find MP3, FLAC, Ogg and ADTS, whose first frames say what they hold. (0 would mean FFmpeg's default.)
     */
    private static final String LIVE_PROBE_BYTES = "32768";
    private static final String LIVE_ANALYZE_MICROS = "100000";

    private final String source;
    /** What FFmpeg reads when the source is standard input or a named pipe; null when it opens the source itself. */
    private final PipeInput pipe;
    private final FFmpegFrameGrabber grabber;
    private final FfmpegResampler resampler;

    private AudioDecoder(String source, RawFormat raw, int sampleRate, StopLatch stop) throws AudioDecodingException {
        this.source = source;
        this.pipe = InputPaths.isPipe(source) ? PipeInput.open(source, stop) : null;
        // Without seeking (maximum size 0), JavaCV keeps none of what it read of the pipe; a path is made absolute
        // so that a colon in a file name is not taken for a protocol.
        this.grabber = pipe != null ? new FFmpegFrameGrabber(pipe, 0)
                : new FFmpegFrameGrabber(InputPaths.isUrl(source) ? source : Path.of(source).toAbsolutePath().toString());
        // Raw samples in the decoder's own format: converting them in one pass, as the ffmpeg command does, keeps
        // 24-bit sources from being rounded to 16 bits before the down-mix.
        grabber.setSampleMode(FrameGrabber.SampleMode.RAW);
        FfmpegNetwork.configure(grabber, source);
        if (InputPaths.isLive(source)) {
            grabber.setOption("probesize", LIVE_PROBE_BYTES);
            grabber.setOption("analyzeduration", LIVE_ANALYZE_MICROS);
        }
        if (raw != null) {
            grabber.setFormat(raw.format());
            if (raw.sampleRate() != null) {
                grabber.setOption("sample_rate", raw.sampleRate().toString());
            }
            if (raw.channels() != null) {
                // FFmpeg 7's raw demuxers take a channel layout; "<n>c" is n channels in no particular order.
                grabber.setOption("ch_layout", raw.channels() + "c");
            }
        }
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            release();
            throw new AudioDecodingException(InputPaths.isUrl(source)
                    ? "cannot open " + source + ": " + FfmpegErrors.describe(e)
                    : source + " is not a media file FFmpeg can read: " + e.getMessage(), e);
        }
        if (grabber.getAudioStream() < 0 || grabber.getAudioChannels() <= 0 || grabber.getSampleRate() <= 0) {
            release();
            throw new AudioDecodingException(source + " has no audio stream");
        }
        try {
            this.resampler = new FfmpegResampler(grabber.getAudioChannels(), grabber.getSampleFormat(),
                    grabber.getSampleRate(), sampleRate);
        } catch (AudioDecodingException e) {
            release();
            throw e;
        }
    }

    /**
     * Opens {@code source}: a file, a named pipe, {@code -} or a URL.
     *
     * @param raw  how to read headerless PCM; null lets FFmpeg tell the format from the data
     * @param stop ends a pipe's stream where it is, even while its writer is silent
     * @throws AudioDecodingException naming the source: missing, not a file, not media, no audio, refused
     */
    public static AudioDecoder open(String source, RawFormat raw, int sampleRate, StopLatch stop)
            throws AudioDecodingException {
        String problem = InputPaths.problem(source, "an audio file");
        if (problem != null) {
            throw new AudioDecodingException(problem);
        }
        return new AudioDecoder(source, raw, sampleRate, stop);
    }

    /** Streams the decoded samples block by block until the source ends; a long file is never held whole. */
    public long decodeTo(Consumer<short[]> blocks) throws AudioDecodingException {
        long samples = 0;
        Frame frame;
        while ((frame = grabAudio()) != null) {
            if (frame.samples != null) {
                samples += deliver(resampler.convert(frame.samples), blocks);
            }
        }
        return samples + deliver(resampler.drain(), blocks);
    }

    /** {@link #decodeTo} for a source that must hold audio: one without a single sample is an error. */
    public void decodeWhole(Consumer<short[]> blocks) throws AudioDecodingException {
        if (decodeTo(blocks) == 0) {
            throw new AudioDecodingException(source + " holds no decodable audio samples");
        }
    }

    /** A whole file (or pipe) as {@link #decodeWhole} gives it. */
    public static void decode(Path file, int sampleRate, Consumer<short[]> blocks) throws AudioDecodingException {
        try (AudioDecoder decoder = open(file.toString(), null, sampleRate, new StopLatch())) {
            decoder.decodeWhole(blocks);
        }
    }

    public static short[] decodeAll(Path file, int sampleRate) throws AudioDecodingException {
        ShortAccumulator all = new ShortAccumulator();
        decode(file, sampleRate, all::add);
        return all.toArray();
    }

    @Override
    public void close() throws AudioDecodingException {
        resampler.close();
        release();
    }

    private void release() throws AudioDecodingException {
        try {
            grabber.release();
        } catch (FrameGrabber.Exception e) {
            throw new AudioDecodingException("cannot close decoder of " + source + ": " + e.getMessage(), e);
        } finally {
            if (pipe != null) {
                pipe.close();
            }
        }
    }

    private static int deliver(short[] block, Consumer<short[]> blocks) {
        if (block.length > 0) {
            blocks.accept(block);
        }
        return block.length;
    }

    private Frame grabAudio() throws AudioDecodingException {
        try {
            return grabber.grabSamples();
        } catch (FrameGrabber.Exception e) {
            throw new AudioDecodingException(InputPaths.isUrl(source)
                    ? "reading " + source + " failed: " + FfmpegErrors.describe(e)
                    : source + " is corrupt: " + e.getMessage(), e);
        }
    }

    private static final class ShortAccumulator {
        private short[] data = new short[1 << 16];
        private int size;

        void add(short[] block) {
            if (size + block.length > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, size + block.length));
            }
            System.arraycopy(block, 0, data, size, block.length);
            size += block.length;
        }

        short[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
