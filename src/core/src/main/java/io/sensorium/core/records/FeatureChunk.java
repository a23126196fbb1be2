package io.sensorium.core.records;

/**
 * Log-mel frames of one audio stream, before Whisper's window-wide clamp and scaling.
 *
 * @param streamId      the stream; also the record key
 * @param sequence      the sequence number of the audio chunk these frames came from
 * @param firstFrame    index within the stream of {@code frames[0]} (frame t is centred on sample 160 t)
 * @param melBins       values per frame (80 or 128)
 * @param streamSamples samples of the stream seen so far, at 16 kHz; on the last chunk, the stream's length
 * @param endOfStream   true on the stream's last feature chunk
 * @param frames        {@code frames[t][m]} = log10(max(mel power, 1e-10)) of frame {@code firstFrame + t}
 * @param vadWindow     index within the stream of the window {@code speechProbabilities[0]} scores (window k is
 *                      samples 512 k .. 512 k + 511)
 * @param speechProbabilities Silero VAD's speech probability of each 512-sample window the chunk completed; null
 *                      when the feature stage runs without VAD
 */
public record FeatureChunk(String streamId, long sequence, long firstFrame, int melBins, long streamSamples,
                           boolean endOfStream, float[][] frames, long vadWindow, float[] speechProbabilities) {

    /** Frames without speech probabilities, as the feature stage makes them with {@code speech.vad} off. */
    public FeatureChunk(String streamId, long sequence, long firstFrame, int melBins, long streamSamples,
                        boolean endOfStream, float[][] frames) {
        this(streamId, sequence, firstFrame, melBins, streamSamples, endOfStream, frames, 0, null);
    }
}
