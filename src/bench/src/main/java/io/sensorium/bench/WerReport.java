package io.sensorium.bench;

import io.sensorium.processors.speech.text.EnglishTextNormalizer;
import io.sensorium.processors.speech.text.WordErrorRate;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Word error rate of a transcript file against a reference file, both normalised with Whisper's English normaliser;
 * prints "errors/words = WER%".
 *
 * <p>{@code java -cp src/bench/target/benchmarks.jar io.sensorium.bench.WerReport REFERENCE.txt HYPOTHESIS.txt}
 */
public final class WerReport {
    private WerReport() {}

    public static void main(String[] args) throws Exception {
        EnglishTextNormalizer normalizer = new EnglishTextNormalizer();
        WordErrorRate wer = WordErrorRate.of(normalizer.normalize(Files.readString(Path.of(args[0]))),
                normalizer.normalize(Files.readString(Path.of(args[1]))));
        System.out.printf("%d/%d = %.2f%%%n", wer.errors(), wer.referenceWords(), 100 * wer.rate());
    }
}
