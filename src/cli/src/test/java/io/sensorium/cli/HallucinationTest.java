package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.ingest.audio.AudioDecoder;
import io.sensorium.processors.speech.text.EnglishTextNormalizer;
import io.sensorium.processors.speech.text.WordErrorRate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("speech.model", TestPipeline.realTinyEn());
        settings.put("speech.threads", "2");
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, short[]> file : audio.entrySet()) {
            files.add(TestPipeline.writeWav(dir.resolve(file.getKey()), file.getValue()).toString());
        }
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings, files);
        assertThat(run.exit()).as(run.stderr()).isZero();

        Map<String, StringBuilder> texts = new LinkedHashMap<>();
        String out = run.stdout().strip();
        for (String line : out.isEmpty() ? new String[0] : out.split("\n")) {
            TranscriptSegment segment = (TranscriptSegment) TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8));
            double duration = (double) audio.get(segment.stream()).length / RATE;
            assertThat(segment.end()).as(line).isLessThanOrEqualTo(duration);
            texts.computeIfAbsent(segment.stream(), s -> new StringBuilder()).append(segment.text());
        }
        assertThat(texts).as(out).containsOnlyKeys("silence60-jfk.wav");
        EnglishTextNormalizer normalizer = new EnglishTextNormalizer();
        String heard = texts.get("silence60-jfk.wav").toString();
        assertThat(WordErrorRate.of(normalizer.normalize(JfkSample.TRANSCRIPT), normalizer.normalize(heard)).errors())
                .as(heard).isZero();
    }
}
