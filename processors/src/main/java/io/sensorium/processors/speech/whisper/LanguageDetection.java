package io.sensorium.processors.speech.whisper;

import java.util.Map;

/**
 * The language a window was detected to be in, as openai's and faster-whisper's detect_language give it.
 *
 * @param language      its code
 * @param probability   its probability in {@code probabilities}
 * @param probabilities every candidate language's: the softmax of the language tokens' scores after
 *                      {@code <|startoftranscript|>}, over the languages detection chose among (faster-whisper's
 *                      all_language_probs)
 */
public record LanguageDetection(String language, double probability, Map<String, Double> probabilities) {
    public LanguageDetection {
        probabilities = Map.copyOf(probabilities);
    }
}
