package io.sensorium.ingest.audio;

import io.sensorium.core.records.AudioChunk;
import java.util.function.Consumer;

/**
 * Cuts one stream's decoded samples, arriving in blocks of any size, into fixed-length {@link AudioChunk}s. The last
 * chunk, which {@link #finish()} emits, carries the remainder and the end-of-stream marker.
 */
public final class AudioChunker {
    private final String streamId;
    private final int sampleRate;
    private final Consumer<AudioChunk> sink;
    private final short[] buffer;
    private int filled;
    private long sequence;
    private long sampleOffset;
    private boolean finished;

    public AudioChunker(String streamId, int sampleRate, int chunkSamples, Consumer<AudioChunk> sink) {
        if (chunkSamples <= 0) {
            throw new IllegalArgumentException("chunk length must be at least one sample, got " + chunkSamples);
        }
        this.streamId = streamId;
        this.sampleRate = sampleRate;
        this.sink = sink;
        this.buffer = new short[chunkSamples];
    }

    public void accept(short[] samples) {
        if (finished) {
            throw new IllegalStateException("stream " + streamId + " is already finished");
        }
        int read = 0;
        while (read < samples.length) {
            int take = Math.min(buffer.length - filled, samples.length - read);
            System.arraycopy(samples, read, buffer, filled, take);
            filled += take;
            read += take;
            if (filled == buffer.length) {
                emit(false);
            }
        }
    }

    /** Emits what is left, possibly nothing, as the stream's last chunk. */
    public void finish() {
        if (!finished) {
            emit(true);
            finished = true;
        }
    }

    public long samplesSeen() {
        return sampleOffset + filled;
    }

    private void emit(boolean endOfStream) {
        short[] samples = java.util.Arrays.copyOf(buffer, filled);
        sink.accept(new AudioChunk(streamId, sequence++, sampleOffset, sampleRate, endOfStream, samples));
        sampleOffset += filled;
        filled = 0;
    }
}
