package io.sensorium.bench;

import io.sensorium.ingest.audio.AudioDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * The speech corpus of {@code live-latency.sh}: a real recording followed by paragraphs of public-domain text read by
 * espeak-ng, each paragraph by another voice at another speed, at 16 kHz mono.
 *
 * <pre>java -cp benchmarks.jar io.sensorium.bench.LiveCorpus TEXT RECORDING.wav "RECORDING'S WORDS" OUT_DIR</pre>
 *
 * Writes OUT_DIR/corpus.wav and OUT_DIR/corpus.txt (the words spoken, the reference for WER); prints the duration.
 * Sentences are separated by pauses shorter than the pipeline's end-of-utterance silence (2 s), so that most words
 * are confirmed by agreement between transcriptions, and paragraphs by longer ones, where utterances end.
 */
public final class LiveCorpus {
    private static final int RATE = 16000;
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.?!])\\s+");
    // Voices of Debian's espeak-ng (no MBROLA data needed) with variants, and words per minute.
    private static final String[][] READERS = {{"en-us", "165"}, {"en-gb-x-rp+f3", "150"}, {"en-us+m3", "180"},
        {"en-gb-scotland", "160"}, {"en-029+f2", "170"}, {"en+m5", "190"}, {"en-us+f4", "155"}};
    private static final double[] SENTENCE_PAUSES = {0.6, 0.9, 1.2, 0.8};
    private static final double PARAGRAPH_PAUSE = 2.5;
    // espeak-ng pads its output with silence; cut to the first and last sample this loud (about -40 dBFS).
    private static final int SPEECH_LEVEL = 300;

    private LiveCorpus() {}

    public static void main(String[] args) throws Exception {
        Path text = Path.of(args[0]);
        Path recording = Path.of(args[1]);
        Path out = Files.createDirectories(Path.of(args[3]));
        List<short[]> parts = new ArrayList<>();
        StringBuilder reference = new StringBuilder(args[2]).append('\n');
        parts.add(AudioDecoder.decodeAll(recording, RATE));
        parts.add(silence(PARAGRAPH_PAUSE));
        Path scratch = Files.createTempFile("live-corpus", ".wav");
        try {
            int paragraph = 0;
            int sentence = 0;
            for (String block : paragraphs(Files.readString(text))) {
                String[] reader = READERS[paragraph++ % READERS.length];
                for (String words : SENTENCE_END.split(block)) {
                    parts.add(trim(speak(reader, words, scratch)));
                    parts.add(silence(SENTENCE_PAUSES[sentence++ % SENTENCE_PAUSES.length]));
                    reference.append(words).append('\n');
                }
                parts.set(parts.size() - 1, silence(PARAGRAPH_PAUSE));
            }
        } finally {
            Files.deleteIfExists(scratch);
        }
        int samples = parts.stream().mapToInt(p -> p.length).sum();
        ByteBuffer pcm = ByteBuffer.allocate(2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        for (short[] part : parts) {
            for (short s : part) {
                pcm.putShort(s);
            }
        }
        AudioFormat format = new AudioFormat(RATE, 16, 1, true, false);
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, samples),
                AudioFileFormat.Type.WAVE, out.resolve("corpus.wav").toFile());
        Files.writeString(out.resolve("corpus.txt"), reference);
        System.out.printf("%.1f%n", samples / (double) RATE);
    }

    private static List<String> paragraphs(String text) {
        List<String> blocks = new ArrayList<>();
        for (String block : text.split("\\n\\s*\\n")) {
            String prose = block.lines().filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + " " + b).strip();
            if (!prose.isEmpty()) {
                blocks.add(prose);
            }
        }
        return blocks;
    }

    private static short[] speak(String[] reader, String words, Path wav) throws IOException, InterruptedException {
        Process espeak = new ProcessBuilder("espeak-ng", "-v", reader[0], "-s", reader[1], "-w", wav.toString(), words)
                .redirectErrorStream(true).start();
        String said = new String(espeak.getInputStream().readAllBytes());
        if (espeak.waitFor() != 0) {
            throw new IOException("espeak-ng failed on \"" + words + "\": " + said);
        }
        return AudioDecoder.decodeAll(wav, RATE);
    }

    private static short[] trim(short[] speech) {
        int from = 0;
        int to = speech.length;
        while (from < to && Math.abs(speech[from]) < SPEECH_LEVEL) {
            from++;
        }
        while (to > from && Math.abs(speech[to - 1]) < SPEECH_LEVEL) {
            to--;
        }
        return Arrays.copyOfRange(speech, from, to);
    }

    private static short[] silence(double seconds) {
        return new short[(int) Math.round(seconds * RATE)];
    }
}
