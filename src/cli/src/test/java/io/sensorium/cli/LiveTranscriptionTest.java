package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptPartial;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.processors.speech.text.EnglishTextNormalizer;
import io.sensorium.processors.speech.text.WordErrorRate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live speech stage (speech.live) on real tiny.en through the CLI: jfk.wav played at 1x gives partials before
 * its words are final, and finals that add up to its offline transcript; silence and noise give nothing.
 */
class LiveTranscriptionTest {
    private static final int RATE = 16_000;
    private static final double JFK_SECONDS = 11.0;
    /** The offline transcript of jfk.wav, word for word after normalisation (RealWhisperTranscriptTest). */
    private static final String OFFLINE =
            "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";

    @Test
    void jfkAtOneXGivesPartialsThenFinalsEqualToTheOfflineTranscript() {
        Map<String, String> settings = realModel();
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings,
                List.of("--realtime", TestPipeline.fixture("audio/jfk.wav").toString()));
        assertThat(run.exit()).as(run.stderr()).isZero();

        List<Object> printed = run.stdout().lines()
                .map(line -> TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8))).toList();
        List<TranscriptSegment> finals = printed.stream()
                .filter(TranscriptSegment.class::isInstance).map(TranscriptSegment.class::cast).toList();
        assertThat(finals).as(run.stdout()).isNotEmpty();
        int firstPartial = indexOf(printed, TranscriptPartial.class);
        assertThat(firstPartial).as("a partial before the last final").isNotNegative()
                .isLessThan(printed.lastIndexOf(finals.get(finals.size() - 1)));

        StringBuilder text = new StringBuilder();
        double previousEnd = 0;
        for (int i = 0; i < finals.size(); i++) {
            TranscriptSegment segment = finals.get(i);
            assertThat(segment.segment()).isEqualTo(i);
            assertThat(segment.isFinal()).isTrue();
            assertThat(segment.start()).as("in order, no overlap: %s", segment).isGreaterThanOrEqualTo(previousEnd);
            assertThat(segment.end()).as("within the audio: %s", segment)
                    .isGreaterThanOrEqualTo(segment.start()).isLessThanOrEqualTo(JFK_SECONDS);
            previousEnd = segment.end();
            text.append(segment.text());
        }
        // The offline words, each once: none lost or repeated at a seam. A word confirmed early, from two
        // transcriptions half a second apart that heard only its start, may differ ("asked" for "ask"): at most one.
        EnglishTextNormalizer normalizer = new EnglishTextNormalizer();
        String streamed = normalizer.normalize(text.toString());
        String offline = normalizer.normalize(OFFLINE);
        assertThat(streamed.split(" ")).as(streamed).hasSameSizeAs(offline.split(" "));
        assertThat(WordErrorRate.of(offline, streamed).errors()).as(streamed).isLessThanOrEqualTo(1);

        List<ConsumerRecord<String, byte[]>> topic = TestPipeline.readUntil(settings.get("topics.transcripts"),
                records -> !records.isEmpty()
                        && TranscriptJson.read(records.get(records.size() - 1).value()) instanceof TranscriptEnd,
                Duration.ofSeconds(30));
        List<Object> published = topic.stream().map(record -> TranscriptJson.read(record.value())).toList();
        assertThat(published.get(published.size() - 1)).as("the end marker comes last").isInstanceOf(TranscriptEnd.class);
        assertThat(published.subList(0, published.size() - 1)).isEqualTo(printed);
        List<TranscriptPartial> partials = printed.stream()
                .filter(TranscriptPartial.class::isInstance).map(TranscriptPartial.class::cast).toList();
        assertThat(partials).extracting(TranscriptPartial::revision).isSorted().doesNotHaveDuplicates();
        assertThat(partials.get(partials.size() - 1).text()).as("the caption line is cleared once all is final").isEmpty();
    }

    @Test
    void silenceAndNoiseGiveNoText(@TempDir Path dir) throws Exception {
        short[] noise = new short[30 * RATE];
        Random random = new Random(7);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (short) Math.round(random.nextGaussian() * 3277);
        }
        Map<String, String> settings = realModel();
        settings.put("speech.live", "true");
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings, List.of(
                TestPipeline.writeWav(dir.resolve("silence60.wav"), new short[60 * RATE]).toString(),
                TestPipeline.writeWav(dir.resolve("noise30.wav"), noise).toString()));

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEmpty();
    }

    private static Map<String, String> realModel() {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        settings.put("speech.model", TestPipeline.realTinyEn());
        settings.put("speech.threads", "2");
        return settings;
    }

    private static int indexOf(List<Object> records, Class<?> type) {
        for (int i = 0; i < records.size(); i++) {
            if (type.isInstance(records.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
