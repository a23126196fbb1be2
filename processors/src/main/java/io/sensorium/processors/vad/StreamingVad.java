package io.sensorium.processors.vad;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Speech probabilities of one stream's 512-sample windows as its samples arrive, the same as Silero's own
 * OnnxWrapper gives over the whole stream whatever the chunking: each window is fed with the 64 samples before it
 * and the state the previous one left; the last, partial window is padded with zeros. {@link #snapshot()} saves
 * what the next window needs, so a restarted feature stage goes on exactly.
 */
public final class StreamingVad {
    private static final int VERSION = 1;
    private static final float SCALE = 1f / 32768f;

    private final SileroVad model;
    /** The previous window's last 64 samples, then the samples of the window under way. */
    private short[] pending;
    private final float[] state;
    private long windows;

    public StreamingVad(SileroVad model) {
        this(model, new short[SileroVad.CONTEXT], new float[SileroVad.STATE_SIZE], 0);
    }

    private StreamingVad(SileroVad model, short[] pending, float[] state, long windows) {
        this.model = model;
        this.pending = pending;
        this.state = state;
        this.windows = windows;
    }

    /** Index in the stream of the next window to be scored (window k is samples 512 k .. 512 k + 511). */
    public long windows() {
        return windows;
    }

    /** Probabilities of the windows {@code samples} complete, in order; none while a window is not yet full. */
    public float[] accept(short[] samples) {
        short[] all = Arrays.copyOf(pending, pending.length + samples.length);
        System.arraycopy(samples, 0, all, pending.length, samples.length);
        int complete = (all.length - SileroVad.CONTEXT) / SileroVad.WINDOW;
        float[] probabilities = new float[complete];
        float[] input = new float[SileroVad.CONTEXT + SileroVad.WINDOW];
        for (int w = 0; w < complete; w++) {
            int from = w * SileroVad.WINDOW;
            for (int i = 0; i < input.length; i++) {
                input[i] = all[from + i] * SCALE;
            }
            probabilities[w] = model.probability(input, state);
        }
        windows += complete;
        pending = Arrays.copyOfRange(all, complete * SileroVad.WINDOW, all.length);
        return probabilities;
    }

    /** The last window's probability, the stream's remaining samples padded with zeros; none if it ended on a window. */
    public float[] finish() {
        int partial = pending.length - SileroVad.CONTEXT;
        return partial == 0 ? new float[0] : accept(new short[SileroVad.WINDOW - partial]);
    }

    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 2 * pending.length + 4 * state.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(windows);
            out.writeInt(pending.length);
            for (short s : pending) {
                out.writeShort(s);
            }
            for (float v : state) {
                out.writeFloat(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static StreamingVad restore(SileroVad model, byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("VAD state of version " + version + " is not readable by this build");
            }
            long windows = in.readLong();
            short[] pending = new short[in.readInt()];
            for (int i = 0; i < pending.length; i++) {
                pending[i] = in.readShort();
            }
            float[] state = new float[SileroVad.STATE_SIZE];
            for (int i = 0; i < state.length; i++) {
                state[i] = in.readFloat();
            }
            return new StreamingVad(model, pending, state, windows);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt VAD state", e);
        }
    }
}
