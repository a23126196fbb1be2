package io.sensorium.bench;

import io.sensorium.processors.speech.whisper.WhisperTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a Whisper tokenizer keeps on the heap for a run (the heap in use after collections, before and after it is
 * loaded and has encoded a text), how long it takes to load, and how fast it encodes the lines of a text file.
 *
 * <p>{@code java -XX:+UseSerialGC -cp src/bench/target/benchmarks.jar io.sensorium.bench.TokenizerFootprint
 * MODEL_DIR TEXT_FILE}
 */
public final class TokenizerFootprint {
    private static final int ENCODE_ROUNDS = 5;

    private TokenizerFootprint() {}

    public static void main(String[] args) throws Exception {
        Path tokenizerJson = Path.of(args[0], "tokenizer.json");
        List<String> lines = Files.readAllLines(Path.of(args[1]));
        long before = heapInUse();
        long started = System.nanoTime();
        WhisperTokenizer tokenizer = WhisperTokenizer.load(tokenizerJson);
        double loadMs = (System.nanoTime() - started) / 1e6;
        int tokens = 0;
        for (String line : lines) {
            tokens += tokenizer.encode(line).length;
        }
        long kept = heapInUse() - before;
        // Each round's lines differ from the last round's, so that they miss the tokenizer's cache of words.
        started = System.nanoTime();
        for (int round = 0; round < ENCODE_ROUNDS; round++) {
            for (String line : lines) {
                tokenizer.encode(line + " " + round);
            }
        }
        double encodeMs = (System.nanoTime() - started) / 1e6;
        System.out.printf("%s: kept on the heap %.1f MB; loaded in %.0f ms; %d lines (%d tokens) encoded %d times in"
                + " %.0f ms%n", tokenizerJson, kept / 1e6, loadMs, lines.size(), tokens, ENCODE_ROUNDS, encodeMs);
    }

    private static long heapInUse() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
