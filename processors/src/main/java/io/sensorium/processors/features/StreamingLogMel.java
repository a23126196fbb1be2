package io.sensorium.processors.features;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Log-mel frames of one stream computed as its samples arrive, identical to {@link LogMelSpectrogram#compute} over
 * the whole stream whatever the chunking. Frame t needs samples up to 160 t + 199, so each chunk completes the
 * frames it can and the samples the next frames still need are kept; {@link #snapshot()} saves exactly that.
 */
public final class StreamingLogMel {
    private static final int VERSION = 1;
    private static final float SCALE = 1f / 32768f;

    private final LogMelSpectrogram spectrogram;
    /** Samples from stream index {@code bufferStart} up to {@code samplesSeen}, as floats in [-1, 1). */
    private float[] buffer;
    private long bufferStart;
    private long samplesSeen;
    private long framesEmitted;

    /**
     * @param spectrogram the frame maker, which a thread's streams share (it keeps only scratch arrays): a stream is
     *                    restored for every chunk, and making one per chunk cost more than the chunk's frames
     */
    public StreamingLogMel(LogMelSpectrogram spectrogram) {
        this(spectrogram, new float[0], 0, 0, 0);
    }

    private StreamingLogMel(LogMelSpectrogram spectrogram, float[] buffer, long bufferStart, long samplesSeen,
                            long framesEmitted) {
        this.spectrogram = spectrogram;
        this.buffer = buffer;
        this.bufferStart = bufferStart;
        this.samplesSeen = samplesSeen;
        this.framesEmitted = framesEmitted;
    }

    /** Frames that {@code samples} complete, in order; often none for a short chunk. */
    public float[][] accept(short[] samples) {
        append(samples);
        List<float[]> frames = new ArrayList<>();
        // Frame t is complete once sample 160 t + 199 is known; frames 0 and 1 also read the reflected start, which
        // lies within the first 201 samples.
        while (framesEmitted * LogMelSpectrogram.HOP + LogMelSpectrogram.N_FFT / 2 <= samplesSeen
                && samplesSeen > LogMelSpectrogram.N_FFT / 2) {
            frames.add(spectrogram.frame(this::sample, framesEmitted++));
        }
        trim();
        return frames.toArray(float[][]::new);
    }

    /** The remaining frames, with the stream followed by zeros as Whisper pads it; later frames are all silence. */
    public float[][] finish() {
        List<float[]> frames = new ArrayList<>();
        long total = LogMelSpectrogram.framesTouching(samplesSeen);
        while (framesEmitted < total) {
            frames.add(spectrogram.frame(this::sample, framesEmitted++));
        }
        return frames.toArray(float[][]::new);
    }

    public long samplesSeen() {
        return samplesSeen;
    }

    public long framesEmitted() {
        return framesEmitted;
    }

    private float sample(long index) {
        long i = index < 0 ? -index : index;
        if (i >= samplesSeen) {
            return 0f;
        }
        if (i < bufferStart) {
            throw new IllegalStateException("sample " + i + " was already dropped (kept from " + bufferStart + ")");
        }
        return buffer[(int) (i - bufferStart)];
    }

    private void append(short[] samples) {
        int kept = buffer.length;
        buffer = Arrays.copyOf(buffer, kept + samples.length);
        for (int i = 0; i < samples.length; i++) {
            buffer[kept + i] = samples[i] * SCALE;
        }
        samplesSeen += samples.length;
    }

    /** Drops samples no future frame reads: frame t starts at 160 t - 200 (reflected for the first two frames). */
    private void trim() {
        long needed = framesEmitted < 2 ? 0 : framesEmitted * LogMelSpectrogram.HOP - LogMelSpectrogram.N_FFT / 2;
        if (needed > bufferStart) {
            buffer = Arrays.copyOfRange(buffer, (int) (needed - bufferStart), buffer.length);
            bufferStart = needed;
        }
    }

    /** The state a restarted processor needs to go on with this stream: counters and the kept samples. */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + buffer.length * 2);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(bufferStart);
            out.writeLong(samplesSeen);
            out.writeLong(framesEmitted);
            out.writeInt(buffer.length);
            for (float v : buffer) {
                out.writeShort(Math.round(v * 32768f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static StreamingLogMel restore(LogMelSpectrogram spectrogram, byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("log-mel state of version " + version + " is not readable by this build");
            }
            long bufferStart = in.readLong();
            long samplesSeen = in.readLong();
            long framesEmitted = in.readLong();
            float[] buffer = new float[in.readInt()];
            for (int i = 0; i < buffer.length; i++) {
                buffer[i] = in.readShort() * SCALE;
            }
            return new StreamingLogMel(spectrogram, buffer, bufferStart, samplesSeen, framesEmitted);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt log-mel state", e);
        }
    }
}
