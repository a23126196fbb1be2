package io.sensorium.processors.speech;

import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.FeatureChunkSerde;
import io.sensorium.core.records.InvalidRecordException;
import io.sensorium.processors.features.LogMelSpectrogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The frames of each stream that are not transcribed yet, kept as the feature records' values (16-bit, as they
 * came) under {@code stream NUL first-frame}, so the changelog grows with the input and no more. Frames that never
 * arrived read as silence.
 */
final class FrameWindowStore {
    private static final char SEPARATOR = '\u0000';

    private final KeyValueStore<String, byte[]> store;
    private final int melBins;

    FrameWindowStore(KeyValueStore<String, byte[]> store, int melBins) {
        this.store = store;
        this.melBins = melBins;
    }

    /** A chunk that starts before {@code framesReceived} was seen already: the record is a replay. */
    static void checkNew(FeatureChunk chunk, long framesReceived) {
        if (chunk.firstFrame() < framesReceived) {
            throw new InvalidRecordException("features of stream '" + chunk.streamId() + "' from frame "
                    + chunk.firstFrame() + " were already received (up to " + framesReceived + "): a replayed record");
        }
    }

    /**
     * Keeps a chunk's frames.
     *
     * @param value the feature record's value, kept as it came
     * @return frames of the stream received with this chunk
     */
    long append(FeatureChunk chunk, byte[] value) {
        int count = chunk.frames().length;
        if (count > 0) {
            store.put(key(chunk.streamId(), chunk.firstFrame()), value);
        }
        return chunk.firstFrame() + count;
    }

    /** Frames {@code start .. start + length - 1} of the stream; missing ones are silence. */
    float[][] window(String stream, long start, int length) {
        float[][] window = new float[length][melBins];
        for (float[] frame : window) {
            Arrays.fill(frame, LogMelSpectrogram.SILENCE);
        }
        try (KeyValueIterator<String, byte[]> chunks = store.range(key(stream, 0), key(stream, start + length - 1))) {
            while (chunks.hasNext()) {
                KeyValue<String, byte[]> chunk = chunks.next();
                long first = firstFrame(chunk.key);
                int count = chunk.value.length / (2 * melBins);
                long from = Math.max(first, start);
                long to = Math.min(first + count, start + length);
                if (from < to) {
                    FeatureChunkSerde.readFrames(chunk.value, melBins, (int) (from - first), (int) (to - from), window,
                            (int) (from - start));
                }
            }
        }
        return window;
    }

    /** Drops the chunks that end at or before {@code frame}: nothing will read them again. */
    void dropBefore(String stream, long frame) {
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> chunks = store.range(key(stream, 0), key(stream, Math.max(0, frame - 1)))) {
            while (chunks.hasNext()) {
                KeyValue<String, byte[]> chunk = chunks.next();
                if (firstFrame(chunk.key) + chunk.value.length / (2 * melBins) <= frame) {
                    done.add(chunk.key);
                }
            }
        }
        done.forEach(store::delete);
    }

    void dropStream(String stream) {
        dropBefore(stream, Long.MAX_VALUE / 2);
    }

    private static String key(String stream, long firstFrame) {
        return stream + SEPARATOR + String.format("%019d", firstFrame);
    }

    private static long firstFrame(String key) {
        return Long.parseLong(key.substring(key.lastIndexOf(SEPARATOR) + 1));
    }
}
