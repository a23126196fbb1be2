package io.sensorium.processors.speech.whisper;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import sun.misc.Unsafe;

/**
 * Direct memory that cached decoder steps write their outputs into (ONNX Runtime's pinned outputs), kept from step to
 * step and decoding to decoding: two buffers for each self-attention key/value tensor — the one a step reads as its
 * past, the one it writes as its present — and one for the logits. Left to ONNX Runtime, every step's outputs took
 * new memory of its arena, sized to the grown sequences, and each was copied onto the Java heap to be read or
 * reordered.
 * A buffer outgrown is freed at once: left to the collector, it would wait for an old-generation collection.
 */
final class StepBuffers {
    /** Keys/values grow in whole blocks of this many positions, so a buffer is not replaced at every step. */
    private static final int POSITIONS_PER_BLOCK = 64;
    private static final Unsafe UNSAFE = unsafe();

    private final Map<String, Direct[]> pairs = new HashMap<>();
    private Direct logits = new Direct(0);
    private float[] gathered = new float[0];

    /** The buffers of the decodings that run at a time: one set each, taken for a decoding and given back after it. */
    static final class Pool {
        private final ConcurrentLinkedDeque<StepBuffers> idle = new ConcurrentLinkedDeque<>();

        StepBuffers take() {
            StepBuffers buffers = idle.pollFirst();
            return buffers != null ? buffers : new StepBuffers();
        }

        void give(StepBuffers buffers) {
            idle.addFirst(buffers);
        }
    }

    /**
     * The buffer of tensor {@code name} that is not {@code reading}, with room for {@code floats} (grown by whole
     * blocks of {@code blockFloats}).
     *
     * @param reading the buffer the step reads the tensor's past from, or null when it reads it from elsewhere
     */
    FloatBuffer other(String name, FloatBuffer reading, int floats, int blockFloats) {
        Direct[] pair = pairs.computeIfAbsent(name, n -> new Direct[2]);
        int side = pair[0] != null && pair[0].floats == reading ? 1 : 0;
        pair[side] = Direct.atLeast(pair[side], (floats + blockFloats - 1) / blockFloats * blockFloats);
        return pair[side].floats;
    }

    /** A whole block of positions of a {@code [rows, heads, positions, head size]} key/value tensor, in floats. */
    static int blockFloats(long[] shape) {
        return (int) (shape[0] * shape[1] * shape[3]) * POSITIONS_PER_BLOCK;
    }

    /** The logits' buffer, with room for {@code floats}. */
    FloatBuffer logits(int floats) {
        logits = Direct.atLeast(logits, floats);
        return logits.floats;
    }

    /**
     * Where beam search's reordered keys/values are gathered before they are written back, with room for
     * {@code floats} (grown by whole blocks of {@code blockFloats}, as the keys/values are): kept with the buffers, as
     * it lives as long as a decoding, long enough for the collector to move each one made per decoding into the old
     * generation (5 beams of base, seven files: peak RSS 616-624 -> 588-601 MB); grown by the floats of one more
     * position, it was made anew at every step of a decoding longer than any before it, a few megabytes each time.
     */
    float[] gathered(int floats, int blockFloats) {
        if (gathered.length < floats) {
            gathered = new float[(floats + blockFloats - 1) / blockFloats * blockFloats];
        }
        return gathered;
    }

    /** The first {@code floats} of {@code buffer}, as a tensor made over it takes them. */
    static FloatBuffer view(FloatBuffer buffer, int floats) {
        return buffer.duplicate().position(0).limit(floats);
    }

    /** Native memory and its floats. */
    private static final class Direct {
        final ByteBuffer bytes;
        final FloatBuffer floats;

        Direct(int floats) {
            this.bytes = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
            this.floats = bytes.asFloatBuffer();
        }

        /** {@code buffer} where it holds {@code floats}, or else a new one (the old one freed: no tensor is on it). */
        static Direct atLeast(Direct buffer, int floats) {
            if (buffer != null && buffer.floats.capacity() >= floats) {
                return buffer;
            }
            if (buffer != null) {
                UNSAFE.invokeCleaner(buffer.bytes);
            }
            return new Direct(floats);
        }
    }

    private static Unsafe unsafe() {
        try {
            Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (Unsafe) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
