package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptPartial;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.ingest.audio.AudioDecoder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input through {@code sensorium transcribe} as a user runs it: on the default in-process broker (no
 * bootstrap servers configured). Each class of bad audio, model, configuration and address, with the exit code, the
 * one line that says what is wrong, and which other inputs still come out; after every run nothing the run made is
 * left in the temporary directory.
 */
class TranscribeBadInputTest {
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    static Path dir;
    private static Path jfk;
    private static Map<String, String> settings;

    @BeforeAll
    static void inputs() throws Exception {
        jfk = TestPipeline.fixture("audio/jfk.wav");
        settings = new LinkedHashMap<>();
        settings.put("speech.model", TestPipeline.fixture("whisper-tiny-random").toString());
        settings.put("speech.threads", "1");
        Files.write(dir.resolve("noise-bytes.wav"), "RIFF....WAVEfmt but nothing after it".repeat(40).getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("empty.mp3"), new byte[0]);
        byte[] wav = Files.readAllBytes(jfk);
        Files.write(dir.resolve("half.wav"), Arrays.copyOf(wav, wav.length / 2));
        short[] pcm = AudioDecoder.decodeAll(jfk, 16_000);
        ByteBuffer raw = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        raw.asShortBuffer().put(pcm);
        Files.write(dir.resolve("jfk.raw"), raw.array());
        for (String sub : List.of("a", "b", "c")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.copy(jfk, dir.resolve("a/jfk.wav"));
        Files.copy(jfk, dir.resolve("b/jfk.wav"));
        Files.copy(jfk, dir.resolve("c/jfk.wav#2"));
        Path model = copyModel(dir.resolve("broken-model"));
        Path encoder = model.resolve("onnx/encoder_model.onnx");
        Files.write(encoder, Arrays.copyOf(Files.readAllBytes(encoder), 1000));
        Path eightKhz = copyModel(dir.resolve("8khz-model"));
        Path preprocessor = eightKhz.resolve("preprocessor_config.json");
        Files.writeString(preprocessor, Files.readString(preprocessor).replace("16000", "8000"));
    }

    @AfterAll
    static void nothingOfOursIsRunning() {
        assertThat(ownTempEntries()).isEqualTo(before);
    }

    /** This JVM's own sensorium-* temporary directories (the shared test broker's among them) before the tests. */
    private static final Set<String> before = ownTempEntries();

    /**
     * @param args     the command line after {@code transcribe} (settings come as --set before it)
     * @param exit     the exit code
     * @param message  what stderr must say
     * @param streams  the streams that must have transcripts on stdout, and no others
     */
    record Row(String name, List<String> args, int exit, String message, Set<String> streams) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        String good = jfk.toString();
        return Stream.of(
                new Row("undecodable files among good ones", List.of(good, file("noise-bytes.wav"), file("empty.mp3"),
                        TestPipeline.fixture("audio/jfk.flac").toString()), UserFacingError.FAILED,
                        "sensorium: noise-bytes.wav: " + file("noise-bytes.wav") + " is not a media file FFmpeg can read",
                        Set.of("jfk.wav", "jfk.flac")),
                new Row("a file cut off half way still gives what it holds", List.of(file("half.wav"), good), 0, "",
                        Set.of("half.wav", "jfk.wav")),
                new Row("inputs with the same name are each a stream", List.of(file("a/jfk.wav"), file("b/jfk.wav"),
                        file("c/jfk.wav#2")), 0, "", Set.of("jfk.wav", "jfk.wav#2", "jfk.wav#2#2")),
                new Row("a directory is named as one", List.of(good, dir.toString()), UserFacingError.USAGE,
                        dir + " is a directory, not an audio file", Set.of()),
                new Row("a device is named as one", List.of("/dev/null"), UserFacingError.USAGE,
                        "/dev/null is a character device, not an audio file", Set.of()),
                new Row("a missing file", List.of(file("missing.wav")), UserFacingError.USAGE,
                        "no such file: " + file("missing.wav"), Set.of()),
                new Row("headerless PCM read as --input-format says", List.of("--input-format", "s16le", "--input-rate",
                        "16000", file("jfk.raw")), 0, "", Set.of("jfk.raw")),
                new Row("a raw input rate without its format", List.of("--input-rate", "16000", good), UserFacingError.USAGE,
                        "--input-rate and --input-channels describe raw input: give --input-format with them", Set.of()),
                // Live: the random-weight model's text repeats itself, which live transcription leaves out.
                new Row("a live URL that never answers is given up; the file beside it comes out", List.of("--model",
                        TestPipeline.realTinyEn(), "--set", "live.reconnect-attempts=1", "--set",
                        "live.reconnect-min-seconds=0.05", "http://127.0.0.1:1/radio", good),
                        UserFacingError.FAILED, "sensorium: http://127.0.0.1:1/radio: gave up on http://127.0.0.1:1/radio after 2"
                        + " attempts, 0 connections; the last: cannot open http://127.0.0.1:1/radio: avformat_open_input():"
                        + " Connection refused", Set.of("jfk.wav")),
                new Row("a reconnect wait of zero", List.of("--set", "live.reconnect-min-seconds=0", good), UserFacingError.USAGE,
                        "live.reconnect-min-seconds must be more than 0, not 0.0", Set.of()),
                new Row("standard input twice", List.of("-", "-"), UserFacingError.USAGE,
                        "standard input (-) can be given once", Set.of()),
                new Row("live without the VAD gate", List.of("--no-vad", "--realtime", good), UserFacingError.USAGE,
                        "speech.live needs speech.vad", Set.of()),
                new Row("a value of the wrong type names its key", List.of("--set", "audio.chunk-seconds=abc", good),
                        UserFacingError.USAGE, "audio.chunk-seconds must be a number, not 'abc' (option --set audio.chunk-seconds=abc)",
                        Set.of()),
                new Row("a chunk length of zero", List.of("--set", "audio.chunk-seconds=0", good), UserFacingError.USAGE,
                        "audio.chunk-seconds must be more than 0 and at most 31.250", Set.of()),
                new Row("chunks over the record limit", List.of("--set", "audio.chunk-seconds=60", good),
                        UserFacingError.USAGE, "within audio.max-record-bytes", Set.of()),
                new Row("a sample rate Whisper's features are not made at", List.of("--set", "audio.sample-rate=8000", good),
                        UserFacingError.USAGE, "audio.sample-rate is 8000 Hz", Set.of()),
                new Row("an unknown key", List.of("--set", "audio.chunk-secs=1", good), UserFacingError.USAGE,
                        "unknown configuration key 'audio.chunk-secs'", Set.of()),
                new Row("no model there", List.of("--model", file("no-model"), good), UserFacingError.USAGE,
                        "no Whisper model at " + file("no-model"), Set.of()),
                new Row("a truncated model file", List.of("--model", file("broken-model"), good), UserFacingError.FAILED,
                        "encoder_model.onnx", Set.of()),
                new Row("a model made for other features", List.of("--model", file("8khz-model"), good), UserFacingError.FAILED,
                        "preprocessor_config.json asks for sampling_rate 8000", Set.of()),
                new Row("a broker that is not there", List.of("--bootstrap-servers", "127.0.0.1:1", good), UserFacingError.FAILED,
                        "no Kafka broker reachable at 127.0.0.1:1 (Connection refused)", Set.of()),
                new Row("a broker host that does not resolve", List.of("--bootstrap-servers", "no-such-host.invalid:9092", good),
                        UserFacingError.USAGE, "cannot resolve host 'no-such-host.invalid'", Set.of()),
                new Row("a broker address without a port", List.of("--bootstrap-servers", "localhost", good),
                        UserFacingError.USAGE, "'localhost' is not HOST:PORT", Set.of()))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void badInput(Row row) {
        long began = System.nanoTime();
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings, row.args());

        assertThat(run.exit()).as(run.stderr()).isEqualTo(row.exit());
        assertThat(run.stderr()).contains(row.message());
        assertThat(streams(run.stdout())).isEqualTo(new TreeSet<>(row.streams()));
        if (row.exit() == UserFacingError.USAGE) {
            // Refused before a broker or a model was started.
            assertThat((System.nanoTime() - began) / 1e9).isLessThan(5);
        }
        assertThat(ownTempEntries()).as("temporary directories left by the run").isEqualTo(before);
    }

    @Test
    void aNamedPipeIsReadAsItArrives() throws Exception {
        Path fifo = dir.resolve("live.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(Files.readAllBytes(jfk));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        // Live, so real weights: the random-weight model's text repeats itself, which live transcription leaves out.
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings,
                List.of("--model", TestPipeline.realTinyEn(), fifo.toString(), jfk.toString()));
        writer.join();

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(streams(run.stdout())).containsExactly("jfk.wav", "live.fifo");
        assertThat(ownTempEntries()).isEqualTo(before);
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    private static Set<String> streams(String stdout) {
        Set<String> streams = new TreeSet<>();
        stdout.lines().filter(line -> !line.isBlank())
                .forEach(line -> streams.add(stream(TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8)))));
        return streams;
    }

    /** A pipe is a live source, transcribed live: its stream gives partials as well as segments. */
    private static String stream(Object record) {
        if (record instanceof TranscriptPartial partial) {
            return partial.stream();
        }
        return ((TranscriptSegment) record).stream();
    }

    private static Set<String> ownTempEntries() {
        Set<String> entries = new TreeSet<>();
        try (DirectoryStream<Path> tmp = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")),
                "sensorium-*-" + PID + "-*")) {
            tmp.forEach(entry -> entries.add(entry.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /** The random-weight fixture's model files, to be spoilt. */
    private static Path copyModel(Path target) throws IOException {
        Path source = TestPipeline.fixture("whisper-tiny-random");
        Files.createDirectories(target.resolve("onnx"));
        for (String file : List.of("config.json", "generation_config.json", "preprocessor_config.json", "tokenizer.json",
                "onnx/encoder_model.onnx", "onnx/decoder_model.onnx", "onnx/decoder_with_past_model.onnx")) {
            Files.copy(source.resolve(file), target.resolve(file));
        }
        return target;
    }
}
