package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.kafka.TestKafka;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.ingest.audio.AudioDecoder;
import io.sensorium.processors.speech.text.EnglishTextNormalizer;
import io.sensorium.processors.speech.text.WordErrorRate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sensorium reprocess speech} on a real broker, over an audio topic that {@code transcribe} filled in three
 * batches — early.wav; then b1.wav, b2.wav and a stream "cut" whose end marker never came; then late.wav and what
 * "cut" would have been had it ended (cut-reference.wav) — with the
 * same (random-weight) model: a range by offsets and one by times each give exactly the middle batch's streams,
 * every segment once and equal to what {@code transcribe} gave, and "cut" closed where the topic ended, while the
 * live stages' offsets and output stay as they were; a second run does nothing; a dry run, --compare, an empty
 * range, an unknown topic and --to before --from are answered or refused as such.
 */
class ReprocessSpeechTest {
    private static final List<String> MIDDLE = List.of("b1.wav", "b2.wav", ReprocessStreams.CUT);
    private static Map<String, String> settings;
    private static Map<Integer, Long> afterEarly;
    private static Map<Integer, Long> afterMiddle;
    private static Instant early;
    private static Instant middle;
    private static Map<String, List<Object>> transcribed;

    @BeforeAll
    static void fillTheAudioTopic(@TempDir Path dir) throws Exception {
        settings = TestPipeline.isolatedSettings();
        // Random weights: the VAD gate would leave them no text to compare.
        settings.put("speech.vad", "false");
        short[] jfk = AudioDecoder.decodeAll(TestPipeline.fixture("audio/jfk.wav"), 16_000);
        transcribe(TestPipeline.writeWav(dir.resolve("early.wav"), jfk));
        afterEarly = ends();
        early = Instant.now();
        Thread.sleep(5);
        transcribe(TestPipeline.writeWav(dir.resolve("b1.wav"), jfk),
                TestPipeline.writeWav(dir.resolve("b2.wav"), Arrays.copyOf(jfk, jfk.length * 2)));
        ReprocessStreams.publishCut(settings.get("topics.audio"), jfk);
        afterMiddle = ends();
        middle = Instant.now();
        Thread.sleep(5);
        // What "cut" would have given had it ended where it was cut off.
        transcribe(TestPipeline.writeWav(dir.resolve("late.wav"), jfk),
                TestPipeline.writeWav(dir.resolve(ReprocessStreams.CUT_REFERENCE), Arrays.copyOf(jfk, ReprocessStreams.CUT_SAMPLES)));
        transcribed = ReprocessStreams.byStream(settings.get("topics.transcripts"), 5);
    }

    private static void transcribe(Path... files) throws Exception {
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings, Arrays.stream(files).map(Path::toString).toList());
        assertThat(run.exit()).isZero();
    }

    /** The audio topic's end offset in each partition. */
    private static Map<Integer, Long> ends() throws Exception {
        try (Admin admin = TestKafka.connection().admin()) {
            String topic = settings.get("topics.audio");
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < 3; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
        }
    }

    private static TestPipeline.CliRun reprocess(String output, String... options) {
        List<String> operands = new ArrayList<>(List.of("--output", output));
        operands.addAll(List.of(options));
        return TestPipeline.cli(List.of("reprocess", "speech"), settings, operands);
    }

    @Test
    void aRangeByOffsetsGivesTheStreamsThatBeginInIt() throws Exception {
        // From the last record of the early batch in each partition (its end marker: a stream begun before the
        // range) to the last of the middle batch (whose stream is read on to that end marker).
        String from = byPartition(p -> Math.max(0, afterEarly.get(p) - 1));
        String to = byPartition(p -> Math.max(Math.max(0, afterEarly.get(p) - 1), afterMiddle.get(p) - 1));
        String output = settings.get("topics.transcripts") + ".by-offsets";
        Map<String, Object> live = livePipeline();
        TestPipeline.CliRun run = reprocess(output, "--from", from, "--to", to);
        assertThat(run.exit()).as(run.stderr()).isZero();
        ReprocessStreams.assertSameAs(ReprocessStreams.byStream(output, MIDDLE.size()), transcribed, MIDDLE);
        assertThat(livePipeline()).as("the live pipeline's offsets and output").isEqualTo(live);

        TestPipeline.CliRun again = reprocess(output, "--from", from, "--to", to);
        assertThat(again.exit()).isZero();
        assertThat(again.messages()).anyMatch(line -> line.contains("is done already, nothing to do"));
        assertThat(TestPipeline.readAll(output, Integer.MAX_VALUE, Duration.ofSeconds(2)))
                .hasSize(ReprocessStreams.records(transcribed, MIDDLE));
    }

    @Test
    void aRangeByTimesGivesTheStreamsWrittenInIt() {
        String output = settings.get("topics.transcripts") + ".by-times";
        TestPipeline.CliRun run = reprocess(output, "--from", early.toString(), "--to", middle.toString());
        assertThat(run.exit()).as(run.stderr()).isZero();
        ReprocessStreams.assertSameAs(ReprocessStreams.byStream(output, MIDDLE.size()), transcribed, MIDDLE);

        // The same model again: nothing changed against transcribe's output, where "cut" never ended.
        String live = settings.get("topics.transcripts");
        TestPipeline.CliRun compared = reprocess(output, "--from", early.toString(), "--to", middle.toString(),
                "--compare", live);
        assertThat(compared.exit()).isZero();
        assertThat(compared.stdout().lines()).containsExactlyInAnyOrder(
                "b1.wav: WER 0.0% against " + live + " (0 errors in " + words("b1.wav") + " words)",
                "b2.wav: WER 0.0% against " + live + " (0 errors in " + words("b2.wav") + " words)",
                "cut: not on " + live,
                "total: WER 0.0% against " + live + " (0 errors in " + (words("b1.wav") + words("b2.wav")) + " words)");
    }

    private static int words(String stream) {
        String text = transcribed.get(stream).stream().filter(TranscriptSegment.class::isInstance)
                .map(segment -> ((TranscriptSegment) segment).text()).collect(Collectors.joining());
        return WordErrorRate.of(new EnglishTextNormalizer().normalize(text), "").referenceWords();
    }

    @Test
    void aDryRunPrintsTheOffsetsAndTheWorkAndRunsNothing() throws Exception {
        String output = settings.get("topics.transcripts") + ".dry";
        TestPipeline.CliRun run = reprocess(output, "--from", early.toString(), "--to", middle.toString(), "--dry-run");
        assertThat(run.exit()).isZero();
        long records = afterMiddle.entrySet().stream().mapToLong(e -> e.getValue() - afterEarly.get(e.getKey())).sum();
        assertThat(run.stdout()).contains("(not started)").contains("partition 0: offsets " + afterEarly.get(0) + " to "
                + afterMiddle.get(0)).contains("total: " + records + " records, about ");
        try (Admin admin = TestKafka.connection().admin()) {
            assertThat(admin.listTopics().names().get()).doesNotContain(output);
        }
    }

    @Test
    void wrongRangesAndTopicsAreRefusedWithTheirReason() {
        String output = settings.get("topics.transcripts") + ".refused";
        TestPipeline.CliRun empty = reprocess(output, "--from", "now", "--to", "now");
        assertThat(empty.exit()).isEqualTo(UserFacingError.USAGE);
        assertThat(empty.messages()).singleElement().asString().contains("holds no records of " + settings.get("topics.audio"));

        TestPipeline.CliRun backwards = reprocess(output, "--from", middle.toString(), "--to", early.toString());
        assertThat(backwards.exit()).isEqualTo(UserFacingError.USAGE);
        assertThat(backwards.messages()).singleElement().asString().contains("--to " + early + " is before --from " + middle);

        Map<String, String> saved = Map.copyOf(settings);
        settings.put("topics.audio", "no-such-topic");
        try {
            TestPipeline.CliRun unknown = reprocess(output, "--from", "earliest", "--to", "now");
            assertThat(unknown.exit()).isEqualTo(UserFacingError.USAGE);
            assertThat(unknown.messages()).singleElement().asString().contains("no topic no-such-topic on ");
        } finally {
            settings.putAll(saved);
        }
        TestPipeline.CliRun live = reprocess(settings.get("topics.transcripts"), "--from", "earliest", "--to", "now");
        assertThat(live.exit()).isEqualTo(UserFacingError.USAGE);
        assertThat(live.messages()).singleElement().asString().contains("live pipeline's output");
    }

    /** The live stages' committed offsets and the live transcripts topic's records. */
    private static Map<String, Object> livePipeline() throws Exception {
        Map<String, Object> state = new java.util.TreeMap<>();
        try (Admin admin = TestKafka.connection().admin()) {
            for (String stage : ReprocessKind.SPEECH.stages()) {
                String group = settings.get("kafka.application-id-prefix") + "-" + stage;
                state.put(group, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().toString());
            }
        }
        state.put("transcripts", TestPipeline.readAll(settings.get("topics.transcripts"), Integer.MAX_VALUE, Duration.ZERO)
                .stream().map(record -> record.partition() + "/" + record.offset()).toList());
        return state;
    }

    private static String byPartition(java.util.function.IntFunction<Long> offset) {
        return java.util.stream.IntStream.range(0, 3).mapToObj(p -> p + ":" + offset.apply(p)).collect(Collectors.joining(","));
    }
}
