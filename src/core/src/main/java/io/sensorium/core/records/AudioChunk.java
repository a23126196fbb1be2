package io.sensorium.core.records;

/**
 * A run of mono PCM16 samples of one audio stream.
 *
 * @param streamId      the stream the samples belong to; also the record key, so one stream stays in one partition
 * @param sequence      0, 1, 2... per stream; lets a consumer see a gap or a replay
 * @param sampleOffset  index of the first sample within the stream
 * @param sampleRate    samples per second
 * @param endOfStream   true on the last chunk of the stream (which may hold no samples)
 * @param samples       the PCM16 samples
 */
public record AudioChunk(String streamId, long sequence, long sampleOffset, int sampleRate, boolean endOfStream,
                         short[] samples) {

    public double startSeconds() {
        return (double) sampleOffset / sampleRate;
    }
}
