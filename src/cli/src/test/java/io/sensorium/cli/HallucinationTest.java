package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.ingest.audio.AudioDecoder;
import io.sensorium.processors.speech.EnglishTextNormalizer;
import io.sensorium.processors.speech.WordErrorRate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real tiny.en on what made it hallucinate (issue 9, item 8): a minute of silence gave " you" per 30 s window, noise
 * gave " I'm going to do that.", a 0.1 s clip gave " you" ending at 2.0 s, and silence before jfk added " you" twice.
 * With Whisper's no-speech rule and the Silero VAD gate, silence, noise and the clip give no text, jfk after silence
 * gives exactly its words, and no segment ends past its audio. Through the CLI on the default in-process broker.
 */
class HallucinationTest {
    private static final int RATE = 16_000;
    private static final String JFK =
            "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";

    @Test
    void silenceNoiseAndAShortClipGiveNoTextAndJfkAfterSilenceGivesItsWords(@TempDir Path dir) throws Exception {
        short[] jfk = AudioDecoder.decodeAll(TestPipeline.fixture("audio/jfk.wav"), RATE);
        short[] noise = new short[30 * RATE];
        Random random = new Random(7);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (short) Math.round(random.nextGaussian() * 3277);
        }
        short[] silenceThenJfk = new short[60 * RATE + jfk.length];
        System.arraycopy(jfk, 0, silenceThenJfk, 60 * RATE, jfk.length);
        Map<String, short[]> audio = new LinkedHashMap<>();
        audio.put("silence60.wav", new short[60 * RATE]);
        audio.put("noise30.wav", noise);
        audio.put("clip01.wav", Arrays.copyOf(jfk, RATE / 10));
        audio.put("silence60-jfk.wav", silenceThenJfk);

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int pulled;
        int transcribed;
        try {
            pulled = Sensorium.run("models", "pull", "tiny.en");
            String model = printed.toString(StandardCharsets.UTF_8).strip();
            printed.reset();
            List<String> args = new ArrayList<>(List.of("transcribe", "--set", "speech.model=" + model,
                    "--set", "speech.threads=2"));
            for (Map.Entry<String, short[]> file : audio.entrySet()) {
                args.add(writeWav(dir.resolve(file.getKey()), file.getValue()).toString());
            }
            transcribed = Sensorium.run(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        assertThat(pulled).isZero();
        assertThat(transcribed).isZero();

        Map<String, StringBuilder> texts = new LinkedHashMap<>();
        String out = printed.toString(StandardCharsets.UTF_8).strip();
        for (String line : out.isEmpty() ? new String[0] : out.split("\n")) {
            TranscriptSegment segment = (TranscriptSegment) TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8));
            double duration = (double) audio.get(segment.stream()).length / RATE;
            assertThat(segment.end()).as(line).isLessThanOrEqualTo(duration);
            texts.computeIfAbsent(segment.stream(), s -> new StringBuilder()).append(segment.text());
        }
        assertThat(texts).as(out).containsOnlyKeys("silence60-jfk.wav");
        EnglishTextNormalizer normalizer = new EnglishTextNormalizer();
        String heard = texts.get("silence60-jfk.wav").toString();
        assertThat(WordErrorRate.of(normalizer.normalize(JFK), normalizer.normalize(heard)).errors()).as(heard).isZero();
    }

    private static Path writeWav(Path file, short[] pcm) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asShortBuffer().put(pcm);
        AudioFormat format = new AudioFormat(RATE, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(bytes.array()), format, pcm.length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
        return file;
    }
}
