package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.core.records.TranscriptWord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Word times on real weights (tiny.en, as `models pull` converts it: its decoder gives the alignment heads'
 * attention): jfk.wav's words, each with its time and probability, against faster-whisper's word_timestamps on the
 * same weights; without the flag the records carry no words.
 */
class WordTimestampsTest {
    /**
     * faster-whisper 1.2.1's words for jfk.wav on the same CTranslate2 weights (float32, beam_size=1, temperature 0,
     * vad_filter=False, condition_on_previous_text=False, word_timestamps=True): word, start, end.
     */
    private static final Object[][] FASTER_WHISPER_WORDS = {
            {" And", 0.0, 0.76}, {" so", 0.76, 1.06}, {" my", 1.06, 1.46}, {" fellow", 1.46, 1.76},
            {" Americans", 1.76, 2.26}, {" ask", 2.26, 3.88}, {" not", 3.88, 4.52}, {" what", 4.52, 5.7},
            {" your", 5.7, 6.02}, {" country", 6.02, 6.36}, {" can", 6.36, 6.76}, {" do", 6.76, 7.02},
            {" for", 7.02, 7.26}, {" you", 7.26, 8.06}, {" ask", 8.06, 8.66}, {" what", 8.66, 8.94},
            {" you", 8.94, 9.28}, {" can", 9.28, 9.5}, {" do", 9.5, 9.72}, {" for", 9.72, 9.92},
            {" your", 9.92, 10.22}, {" country", 10.22, 10.5}};

    @Test
    void wordsCarryTheTimesFasterWhisperFinds() {
        List<TranscriptSegment> segments = transcribe(List.of("transcribe", "--word-timestamps"));
        List<TranscriptWord> words = new ArrayList<>();
        for (TranscriptSegment segment : segments) {
            assertThat(segment.words()).isNotEmpty();
            assertThat(String.join("", segment.words().stream().map(TranscriptWord::word).toList()))
                    .isEqualTo(segment.text());
            words.addAll(segment.words());
        }
        assertThat(words).hasSameSizeAs(FASTER_WHISPER_WORDS);
        for (int i = 0; i < words.size(); i++) {
            TranscriptWord word = words.get(i);
            Object[] theirs = FASTER_WHISPER_WORDS[i];
            // Punctuation stays with its word here; faster-whisper's text had none at these places.
            assertThat(word.word().replaceAll("[,.]", "")).isEqualTo(theirs[0]);
            // The same alignment on features and tokens that differ a little; faster-whisper also moves the ends of
            // segments to their words' (openai's boundary adjustments), which this does not.
            assertThat(word.start()).as(word.word()).isCloseTo((double) theirs[1], within(0.15));
            assertThat(word.end()).as(word.word()).isCloseTo((double) theirs[2], within(0.25));
            assertThat(word.end()).isGreaterThanOrEqualTo(word.start());
            assertThat(word.probability()).isBetween(0.0, 1.0);
            if (i > 0) {
                assertThat(word.start()).isGreaterThanOrEqualTo(words.get(i - 1).start());
            }
        }
    }

    /**
     * Live, each buffer's words are aligned as it is transcribed: the finals carry the words as the step that confirmed
     * them had them, in stream time, near faster-whisper's times for the whole file.
     */
    @Test
    void liveFinalsCarryTheirWordsAtTheTimesFasterWhisperFinds() {
        List<TranscriptSegment> finals = transcribe(List.of("transcribe", "--word-timestamps", "--realtime"));
        List<TranscriptWord> words = new ArrayList<>();
        for (TranscriptSegment segment : finals) {
            assertThat(segment.words()).isNotEmpty();
            assertThat(String.join("", segment.words().stream().map(TranscriptWord::word).toList()))
                    .isEqualTo(segment.text());
            assertThat(segment.start()).isEqualTo(segment.words().get(0).start(), within(0.01));
            words.addAll(segment.words());
        }
        assertThat(words).hasSameSizeAs(FASTER_WHISPER_WORDS);
        for (int i = 0; i < words.size(); i++) {
            TranscriptWord word = words.get(i);
            Object[] theirs = FASTER_WHISPER_WORDS[i];
            assertThat(word.word().replaceAll("[,.!]", "")).isEqualToIgnoringCase((String) theirs[0]);
            // A word after a pause starts where the speech does: its buffer begins there (the VAD skips the silence),
            // where faster-whisper runs the word on from the pause before it (jfk's " ask" 2.89 s here, 2.26 s there).
            assertThat(word.start()).as(word.word()).isBetween((double) theirs[1] - 0.15, (double) theirs[1] + 0.7);
            assertThat(word.end()).as(word.word()).isCloseTo((double) theirs[2], within(0.25));
            assertThat(word.probability()).isBetween(0.0, 1.0);
            if (i > 0) {
                assertThat(word.start()).isGreaterThanOrEqualTo(words.get(i - 1).end());
            }
        }
    }

    @Test
    void withoutTheFlagSegmentsCarryNoWords() {
        assertThat(transcribe(List.of("transcribe"))).isNotEmpty()
                .allSatisfy(segment -> assertThat(segment.words()).isNull());
    }

    private static List<TranscriptSegment> transcribe(List<String> command) {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        settings.put("speech.model", TestPipeline.realTinyEn());
        settings.put("speech.threads", "2");
        // Offline, every window decoded as faster-whisper did above; live needs the VAD to find utterances' ends.
        settings.put("speech.vad", String.valueOf(command.contains("--realtime")));
        settings.put("speech.condition-on-previous-text", "false");
        TestPipeline.CliRun run = TestPipeline.cli(command, settings,
                List.of(TestPipeline.fixture("audio/jfk.wav").toString()));
        assertThat(run.exit()).as(run.stderr()).isZero();
        List<TranscriptSegment> segments = new ArrayList<>();
        for (String line : run.stdout().strip().split("\n")) {
            if (TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8)) instanceof TranscriptSegment segment) {
                segments.add(segment);
            }
        }
        return segments;
    }
}
