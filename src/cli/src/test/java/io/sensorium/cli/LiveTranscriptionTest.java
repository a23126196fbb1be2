package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptPartial;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.ingest.audio.AudioDecoder;
import io.sensorium.ingest.audio.AudioServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The live speech stage (speech.live) on real tiny.en through the CLI: jfk.wav played at 1x gives partials before
 * its words are final, and finals that add up to its offline transcript; silence and noise give nothing.
 */
class LiveTranscriptionTest {
    /** What transcribe logs once it reads standard input. */
    private static final String LISTENING = "reading - as stream 'stdin'";
    /** jfk.wav's last words are spoken after this (s). */
    private static final double SPEECH_END = 10.0;
    /** Where the live URL drops its listener (s): in the middle of "country". */
    private static final double DROP_AT = 5.5;
    /**
     * Where the stopped stream is stopped (s): in the pause after "... can do for you", before "ask what you can do".
     * Not inside a word: one cut in two is heard as another, offline too (jfk.wav cut at 6.08 s ends "ask not what
     * you are cutting").
     */
    private static final double STOP_AT = 7.9;

    @Test
    void jfkAtOneXGivesPartialsThenFinalsEqualToTheOfflineTranscript() {
        Map<String, String> settings = realModel();
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings,
                List.of("--realtime", TestPipeline.fixture("audio/jfk.wav").toString()));
        assertThat(run.exit()).as(run.stderr()).isZero();

        List<Object> printed = run.stdout().lines()
                .map(line -> TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8))).toList();
        List<TranscriptSegment> finals = LiveTranscripts.finals(printed);
        assertThat(finals).as(run.stdout()).isNotEmpty();
        int firstPartial = indexOf(printed, TranscriptPartial.class);
        assertThat(firstPartial).as("a partial before the last final").isNotNegative()
                .isLessThan(printed.lastIndexOf(finals.get(finals.size() - 1)));

        LiveTranscripts.assertJfkWords(finals);

        List<ConsumerRecord<String, byte[]>> topic = TestPipeline.readUntil(settings.get("topics.transcripts"),
                records -> !records.isEmpty()
                        && TranscriptJson.read(records.get(records.size() - 1).value()) instanceof TranscriptEnd,
                Duration.ofSeconds(30));
        List<Object> published = topic.stream().map(record -> TranscriptJson.read(record.value())).toList();
        assertThat(published.get(published.size() - 1)).as("the end marker comes last").isInstanceOf(TranscriptEnd.class);
        assertThat(published.subList(0, published.size() - 1)).isEqualTo(printed);
        List<TranscriptPartial> partials = LiveTranscripts.partials(printed);
        assertThat(partials).extracting(TranscriptPartial::revision).isSorted().doesNotHaveDuplicates();
        assertThat(partials.get(partials.size() - 1).text()).as("the caption line is cleared once all is final").isEmpty();
    }

    /**
     * Utterances ended at sentences' shorter pauses (300 ms here) lose no word of jfk's offline transcript, which
     * pauses inside its sentences too.
     */
    @Test
    void jfkWithUtterancesEndedAtSentencePausesKeepsTheOfflineWords() {
        Map<String, String> settings = realModel();
        settings.put("speech.live-sentence-pause-ms", "300");
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings,
                List.of("--realtime", TestPipeline.fixture("audio/jfk.wav").toString()));
        assertThat(run.exit()).as(run.stderr()).isZero();

        List<Object> printed = run.stdout().lines()
                .map(line -> TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8))).toList();
        LiveTranscripts.assertJfkWords(LiveTranscripts.finals(printed));
    }

    @Test
    void jfkOnStandardInputAtOneXGivesPartialsBeforeTheSpeechEndsAndTheOfflineText(@TempDir Path tmp) throws Exception {
        // As the README runs it: its own process, the default in-process broker, audio piped in as it plays.
        CliProcess run = CliProcess.start(tmp, List.of("transcribe", "--model", TestPipeline.realTinyEn(), "-"));
        run.awaitStderr(LISTENING);
        long[] written;
        try (OutputStream stdin = run.stdin()) {
            written = Speaker.play(stdin, JfkSample.wav(), 0, JfkSample.SECONDS);
        }
        assertThat(run.waitFor(120)).as(run.stderr()).isZero();

        List<CliProcess.Line> lines = run.stdout();
        List<Object> printed = lines.stream().map(line -> TranscriptJson.read(line.text().getBytes(StandardCharsets.UTF_8))).toList();
        int firstPartial = indexOf(printed, TranscriptPartial.class);
        assertThat(firstPartial).as(run.stderr()).isNotNegative();
        assertThat(lines.get(firstPartial).nanos()).as("the first partial comes before the last words are written")
                .isLessThan(written[(int) Math.round(SPEECH_END / Speaker.SLICE_SECONDS)]);
        LiveTranscripts.assertJfkWords(LiveTranscripts.finals(printed));
    }

    @Test
    void twoLiveStreamsAtOnceEachGetTheirOwnFinals(@TempDir Path dir) throws Exception {
        List<Path> pipes = List.of(fifo(dir.resolve("left.fifo")), fifo(dir.resolve("right.fifo")));
        byte[] wav = JfkSample.wav();
        Map<String, String> settings = realModel();
        ExecutorService speakers = Executors.newFixedThreadPool(pipes.size());
        try {
            // Each writer blocks until transcribe opens its pipe: the second opens only if it does not wait for the first.
            List<Future<long[]>> writers = new ArrayList<>();
            for (Path pipe : pipes) {
                writers.add(speakers.submit(() -> {
                    try (OutputStream out = Files.newOutputStream(pipe)) {
                        return Speaker.play(out, wav, 0, JfkSample.SECONDS);
                    }
                }));
            }
            TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings,
                    pipes.stream().map(Path::toString).toList());
            assertThat(run.exit()).as(run.stderr()).isZero();
            for (Future<long[]> writer : writers) {
                writer.get(10, TimeUnit.SECONDS);
            }
        } finally {
            speakers.shutdownNow();
        }

        Map<String, List<Object>> streams = LiveTranscripts.byStream(settings.get("topics.transcripts"),
                List.of("left.fifo", "right.fifo"));
        streams.values().forEach(records -> LiveTranscripts.assertJfkWords(LiveTranscripts.finals(records)));
    }

    /**
     * A microphone that goes on after the stop, and one muted at the stop: its writer keeps the pipe open and sends
     * nothing, so no audio comes to wake the read the stop has to end.
     */
    @ParameterizedTest(name = "speaking on after the stop: {0}")
    @ValueSource(booleans = {true, false})
    void aLiveStreamStoppedMidSpeechFinalisesWhatItHeard(boolean speakingOn, @TempDir Path tmp) throws Exception {
        Map<String, String> settings = realModel();
        List<String> args = new ArrayList<>(List.of("transcribe"));
        settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        args.add("-");
        CliProcess run = CliProcess.start(tmp, args);
        run.awaitStderr(LISTENING);
        byte[] wav = JfkSample.wav();
        Speaker.play(run.stdin(), wav, 0, STOP_AT);
        run.terminate();
        if (speakingOn) {
            speakUntilClosed(run.stdin(), wav);
        }
        assertThat(run.waitFor(120)).as("a stop is how a live stream ends: " + run.stderr()).isZero();
        if (!speakingOn) {
            run.stdin().close();
        }

        List<Object> records = LiveTranscripts.byStream(settings.get("topics.transcripts"), List.of("stdin")).get("stdin");
        List<TranscriptSegment> finals = LiveTranscripts.finals(records);
        TranscriptEnd end = (TranscriptEnd) records.get(records.size() - 1);
        assertThat(end.segments()).isEqualTo(finals.size());
        assertThat(end.duration()).as("the stream ends at the stop").isCloseTo(STOP_AT, within(0.5));
        List<String> heard = LiveTranscripts.finalWords(finals, JfkSample.SECONDS);
        List<String> offline = LiveTranscripts.words(JfkSample.TRANSCRIPT);
        assertThat(heard).as("the words heard before the stop, all final").hasSizeBetween(8, offline.size());
        LiveTranscripts.assertOfflineWords(heard, offline.subList(0, heard.size()));
    }

    @Test
    void aLiveUrlThatDropsMidSpeechIsReconnectedAndItsStreamTimeRunsOn() throws Exception {
        short[] jfk = AudioDecoder.decodeAll(TestPipeline.fixture("audio/jfk.wav"), Speaker.RATE);
        int drop = (int) (DROP_AT * Speaker.RATE);
        // The station drops the connection mid-sentence and takes the next one from where it left off; then it is
        // gone, and after two more tries transcribe gives up on it.
        try (AudioServer server = new AudioServer(n -> jfk[(int) n], request -> switch (request) {
            case 1 -> new AudioServer.Segment(0, drop, true);
            case 2 -> new AudioServer.Segment(drop, jfk.length - drop, true);
            default -> null;
        })) {
            Map<String, String> settings = realModel();
            settings.put("live.reconnect-min-seconds", "0.05");
            settings.put("live.reconnect-max-seconds", "0.1");
            settings.put("live.reconnect-attempts", "2");
            TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings, List.of(server.url()));

            assertThat(run.exit()).as("a source given up on is a failed input").isEqualTo(UserFacingError.FAILED);
            assertThat(run.messages()).singleElement().asString()
                    .startsWith("sensorium: " + server.url() + ": gave up on " + server.url() + " after ")
                    .contains(" attempts, 2 connections;");
            List<Object> records = LiveTranscripts.byStream(settings.get("topics.transcripts"), List.of(server.url()))
                    .get(server.url());
            assertThat(((TranscriptEnd) records.get(records.size() - 1)).duration()).as("all the audio, once")
                    .isCloseTo(JfkSample.SECONDS, within(0.01));
            List<TranscriptSegment> finals = LiveTranscripts.finals(records);
            assertThat(finals.get(finals.size() - 1).end()).as("stream time runs on past the drop").isGreaterThan(DROP_AT + 3);
            LiveTranscripts.assertJfkWords(finals);
        }
    }

    @Test
    void silenceAndNoiseGiveNoText(@TempDir Path dir) throws Exception {
        short[] noise = new short[30 * Speaker.RATE];
        Random random = new Random(7);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (short) Math.round(random.nextGaussian() * 3277);
        }
        Map<String, String> settings = realModel();
        settings.put("speech.live", "true");
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings, List.of(
                TestPipeline.writeWav(dir.resolve("silence60.wav"), new short[60 * Speaker.RATE]).toString(),
                TestPipeline.writeWav(dir.resolve("noise30.wav"), noise).toString()));

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEmpty();
    }

    /**
     * Goes on speaking after the stop, as a microphone would (the rest of the audio, then silence, at 1x), until the
     * command closes its end of the pipe: a live source is let go once it is stopped.
     */
    private static void speakUntilClosed(OutputStream stdin, byte[] wav) {
        try {
            Speaker.play(stdin, wav, STOP_AT, JfkSample.SECONDS);
            Speaker.play(stdin, new byte[wav.length], 0, JfkSample.SECONDS);
        } catch (IOException closed) {
            // EPIPE once the command has let go of its end, or what the JDK puts in its place once the process ended.
            assertThat(closed.getMessage()).isIn("Broken pipe", "Stream closed");
            return;
        }
        throw new AssertionError("the command still reads its source " + (2 * JfkSample.SECONDS - STOP_AT)
                + " s after the stop");
    }

    private static Path fifo(Path path) throws Exception {
        assertThat(new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor()).isZero();
        return path;
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
