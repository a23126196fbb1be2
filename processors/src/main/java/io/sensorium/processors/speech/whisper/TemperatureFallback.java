package io.sensorium.processors.speech.whisper;

import java.util.List;

/**
 * Whisper's temperature fallback, as faster-whisper's {@code generate_with_fallback} decides it (openai's
 * transcribe, with the silence rule of faster-whisper): a window is decoded at the first temperature (0: greedy);
 * when its text repeats itself (compression ratio above the threshold) or its average log-probability is below the
 * threshold, it is decoded again at the next temperature, {@code bestOf} samples at once, the likeliest kept; unless
 * the window is silence (no-speech probability above its threshold and log-probability below). When every
 * temperature fails, the attempt with the best average log-probability among those that do not repeat themselves
 * stands (among all when every one does). The no-speech rule also decides which windows give no text at all.
 *
 * @param temperatures              tried in order; a first of 0 is greedy decoding
 * @param bestOf                    samples decoded at each temperature above 0
 * @param compressionRatioThreshold text that zlib shrinks more than this repeats itself
 * @param logProbThreshold          an average log-probability below this is too low
 * @param noSpeechThreshold         a no-speech probability above this (with a log-probability too low) is silence
 */
public record TemperatureFallback(List<Double> temperatures, int bestOf, double compressionRatioThreshold,
                                  double logProbThreshold, double noSpeechThreshold) {
    /** faster-whisper's defaults (and openai's). */
    public static final TemperatureFallback DEFAULT = new TemperatureFallback(
            List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), 5, 2.4, -1.0, 0.6);

    public TemperatureFallback {
        if (temperatures.isEmpty()) {
            throw new IllegalArgumentException("at least one temperature is needed");
        }
        for (double temperature : temperatures) {
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("a temperature is 0 or more, not " + temperature);
            }
        }
        if (bestOf < 1) {
            throw new IllegalArgumentException("best of at least 1 sample, not " + bestOf);
        }
        temperatures = List.copyOf(temperatures);
    }

    /** Greedy decoding only, with these no-speech rule thresholds. */
    public static TemperatureFallback greedyOnly(double logProbThreshold, double noSpeechThreshold) {
        return new TemperatureFallback(List.of(0.0), 1, DEFAULT.compressionRatioThreshold, logProbThreshold,
                noSpeechThreshold);
    }

    /**
     * A decoding at one temperature.
     *
     * @param compressionRatio its text's (stripped) length over that of the text compressed with zlib
     */
    public record Attempt(WhisperDecoder.Result decoding, double temperature, double compressionRatio) {
        double avgLogprob() {
            return decoding.avgLogprob();
        }
    }

    /** Whether the window is decoded again at the next temperature. */
    public boolean needsFallback(Attempt attempt) {
        boolean needed = attempt.compressionRatio() > compressionRatioThreshold
                || attempt.avgLogprob() < logProbThreshold;
        return needed && !silence(attempt.decoding());
    }

    /** Whether the no-speech rule takes a window for silence: no text comes of it. */
    public boolean silence(WhisperDecoder.Result decoding) {
        return decoding.noSpeechProb() > noSpeechThreshold && decoding.avgLogprob() < logProbThreshold;
    }

    /** The attempt that stands once every temperature has needed a fallback. */
    public Attempt whenAllFail(List<Attempt> attempts) {
        List<Attempt> notRepetitive = attempts.stream()
                .filter(attempt -> !(attempt.compressionRatio() > compressionRatioThreshold)).toList();
        // The first of equal ones, as Python's max gives.
        return (notRepetitive.isEmpty() ? attempts : notRepetitive).stream()
                .reduce((best, next) -> next.avgLogprob() > best.avgLogprob() ? next : best).orElseThrow();
    }

    /** Of samples decoded together at one temperature, the likeliest: openai's ranking by average log-probability. */
    public static WhisperDecoder.Result likeliest(List<WhisperDecoder.Result> samples) {
        return samples.stream().reduce((best, next) -> score(next) > score(best) ? next : best).orElseThrow();
    }

    /** openai's MaximumLikelihoodRanker without a length penalty: the sum over the sampled tokens' count. */
    private static double score(WhisperDecoder.Result sample) {
        return sample.sumLogprob() / Math.max(1, sample.sampled());
    }
}
