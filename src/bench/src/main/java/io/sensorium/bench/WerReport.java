package io.sensorium.bench;

import io.sensorium.processors.speech.text.BasicTextNormalizer;
import io.sensorium.processors.speech.text.EnglishTextNormalizer;
import io.sensorium.processors.speech.text.WordErrorRate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Word error rate of a transcript file against a reference file, both normalised with Whisper's English normaliser
 * (or, with {@code --basic}, its normaliser for other languages); prints "errors/words = WER%".
 *
 * <p>{@code java -cp src/bench/target/benchmarks.jar io.sensorium.bench.WerReport [--basic] REFERENCE.txt HYPOTHESIS.txt}
 */
public final class WerReport {
    private WerReport() {}

    public static void main(String[] args) throws Exception {
        boolean basic = args[0].equals("--basic");
        int first = basic ? 1 : 0;
        UnaryOperator<String> normalizer = basic ? new BasicTextNormalizer()::normalize
                : new EnglishTextNormalizer()::normalize;
        WordErrorRate wer = WordErrorRate.of(normalizer.apply(Files.readString(Path.of(args[first]))),
                normalizer.apply(Files.readString(Path.of(args[first + 1]))));
        System.out.printf("%d/%d = %.2f%%%n", wer.errors(), wer.referenceWords(), 100 * wer.rate());
    }
}
