package io.sensorium.ingest.audio;

import io.sensorium.ingest.InputPaths;
import java.nio.file.Path;
import io.sensorium.ingest.FfmpegLogging;
import java.util.function.Consumer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes any audio FFmpeg reads to mono signed 16-bit samples at a given rate — what Whisper's own
 * {@code load_audio} asks of the ffmpeg command ({@code -f s16le -ac 1 -ar 16000}), through the same libraries,
 * so the samples (and the features made from them) match Whisper's.
 */
public final class AudioDecoder {
    static {
        FfmpegLogging.routeThroughLogging();
    }

    private AudioDecoder() {}

    /** Streams the decoded samples block by block; a long file is never held whole. */
    public static void decode(Path file, int sampleRate, Consumer<short[]> blocks) throws AudioDecodingException {
        String problem = InputPaths.problem(file, "an audio file");
        if (problem != null) {
            throw new AudioDecodingException(problem);
        }
        // FFmpeg's pipe protocol reads standard input itself, as `ffmpeg -i -` does.
        String input = InputPaths.isStdin(file) ? "pipe:0" : file.toAbsolutePath().toString();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(input)) {
            // Raw samples in the decoder's own format: converting them in one pass, as the ffmpeg command does,
            // keeps 24-bit sources from being rounded to 16 bits before the down-mix.
            grabber.setSampleMode(FrameGrabber.SampleMode.RAW);
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                throw new AudioDecodingException(file + " is not a media file FFmpeg can read: " + e.getMessage(), e);
            }
            if (grabber.getAudioStream() < 0 || grabber.getAudioChannels() <= 0 || grabber.getSampleRate() <= 0) {
                throw new AudioDecodingException(file + " has no audio stream");
            }
            long samples = 0;
            try (FfmpegResampler resampler = new FfmpegResampler(grabber.getAudioChannels(), grabber.getSampleFormat(),
                    grabber.getSampleRate(), sampleRate)) {
                Frame frame;
                while ((frame = grabAudio(grabber, file)) != null) {
                    if (frame.samples != null) {
                        samples += deliver(resampler.convert(frame.samples), blocks);
                    }
                }
                samples += deliver(resampler.drain(), blocks);
            }
            if (samples == 0) {
                throw new AudioDecodingException(file + " holds no decodable audio samples");
            }
        } catch (FrameGrabber.Exception e) {
            throw new AudioDecodingException("cannot close decoder of " + file + ": " + e.getMessage(), e);
        }
    }

    private static int deliver(short[] block, Consumer<short[]> blocks) {
        if (block.length > 0) {
            blocks.accept(block);
        }
        return block.length;
    }

    public static short[] decodeAll(Path file, int sampleRate) throws AudioDecodingException {
        ShortAccumulator all = new ShortAccumulator();
        decode(file, sampleRate, all::add);
        return all.toArray();
    }

    private static Frame grabAudio(FFmpegFrameGrabber grabber, Path file) throws AudioDecodingException {
        try {
            return grabber.grabSamples();
        } catch (FrameGrabber.Exception e) {
            throw new AudioDecodingException(file + " is corrupt: " + e.getMessage(), e);
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
