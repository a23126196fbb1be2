package io.sensorium.cli;

import io.sensorium.cli.output.TranscriptFileFormat;
import io.sensorium.cli.output.TranscriptFiles;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.records.JsonRecords;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptPartial;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.ingest.InputPaths;
import io.sensorium.ingest.audio.AudioIngest;
import io.sensorium.processors.features.FeatureTopology;
import io.sensorium.processors.speech.SpeechEngine;
import io.sensorium.processors.speech.SpeechTopology;
import io.sensorium.view.LiveView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sensorium transcribe FILE...}: the whole speech path in one process — ingest, feature preprocessor and
 * speech processor as Kafka Streams applications — printing each segment as it reaches the transcripts topic. With
 * a live source or {@code --realtime} the speech stage runs live ({@code speech.live}): partial results, and finals
 * as the words settle.
 */
@Command(name = "transcribe", mixinStandardHelpOptions = true,
        description = "Transcribe audio files through the Kafka pipeline; one JSON line per record on stdout.")
final class TranscribeCommand implements Callable<Integer> {
    enum Format {
        json(TranscriptFileFormat.JSON), text(null), txt(TranscriptFileFormat.TXT), srt(TranscriptFileFormat.SRT),
        vtt(TranscriptFileFormat.VTT), tsv(TranscriptFileFormat.TSV);

        /** How the format writes a file; none for text, a terminal's view. */
        final TranscriptFileFormat file;

        Format(TranscriptFileFormat file) {
            this.file = file;
        }
    }

    @Mixin
    ConfigOptions options;

    @Mixin
    AudioInputOptions input;

    @Parameters(paramLabel = "SOURCE", arity = "1..*", description = "Audio files (WAV, FLAC, MP3, anything FFmpeg reads),"
            + " named pipes, - for standard input, or live URLs (http, rtsp, srt, udp, rtmp...), read until stopped.")
    List<String> sources;

    @Option(names = "--format", description = "json (default: one JSON object per record, partials included), text"
            + " (final segments as lines with their times; on a terminal the latest partial too, on one line rewritten"
            + " in place), or a file format for one source or --output-dir: txt, srt, vtt (subtitles), tsv (start and"
            + " end in ms, text).")
    Format format = Format.json;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "Write each source's final transcript to a file"
            + " of its own in DIR, in --format (json: the records as JSON lines, .jsonl), named after the source"
            + " (jfk.wav: DIR/jfk.srt), each segment as it comes.")
    Path outputDir;

    @Option(names = "--vad", negatable = true, description = "Gate Whisper with Silero VAD, so that silence and noise"
            + " are never decoded (default: speech.vad, on; the live mode needs it).")
    Boolean vad;

    @Mixin
    DecodingOptions decoding;

    @Mixin
    ViewOption view;

    private final CaptionLine captions = new CaptionLine(System.console() != null);

    @Override
    public Integer call() throws Exception {
        try (StopOnSignal signal = new StopOnSignal()) {
            return transcribe(signal);
        }
    }

    private int transcribe(StopOnSignal signal) throws Exception {
        try (TranscriptFiles files = files()) {
            return transcribe(signal, files);
        }
    }

    /** Where the final transcripts go as files, if they do: a file format to stdout, or any to --output-dir. */
    private TranscriptFiles files() {
        if (outputDir != null) {
            if (format.file == null) {
                throw new UserFacingError("--format text is a terminal's view: give txt (or srt, vtt, tsv, json) with"
                        + " --output-dir", UserFacingError.USAGE);
            }
            try {
                return TranscriptFiles.inDirectory(format.file, outputDir);
            } catch (IOException e) {
                throw new UserFacingError("--output-dir " + outputDir + " cannot be made: " + e.getMessage(),
                        UserFacingError.USAGE);
            }
        }
        if (format == Format.json || format == Format.text) {
            return null;
        }
        if (sources.size() > 1) {
            throw new UserFacingError("--format " + format + " writes one source's transcript: give --output-dir DIR for a"
                    + " file per source", UserFacingError.USAGE);
        }
        return TranscriptFiles.to(format.file, System.out);
    }

    private int transcribe(StopOnSignal signal, TranscriptFiles files) throws Exception {
        AudioIngest.Reading reading = input.reading();
        // A live caller would otherwise see nothing until a 30 s window filled.
        boolean live = reading.realtime() || sources.stream().anyMatch(InputPaths::isLive);
        SensoriumConfig loaded = decoding.apply(options.load());
        SensoriumConfig gated = vad == null ? loaded : loaded.withVad(vad);
        SensoriumConfig chosen = live ? gated.withLiveSpeech(true) : gated;
        SensoriumConfig config = chosen.withSpeechThreadsPerSource(sources.size());
        FeatureTopology.requireSupported(config.audio());
        ConfiguredModels.whisper(config);
        AudioFiles.requireReadable(sources);
        Map<String, String> streams = StreamIds.forSources(sources);
        // The model loads while the broker starts and the topics are made: each takes about a second.
        CompletableFuture<SpeechEngine> loading = CompletableFuture.supplyAsync(() -> SpeechEngine.open(config));
        KafkaCluster connected;
        try {
            connected = KafkaCluster.forRun(config, KafkaCluster.speechTopics(config));
        } catch (RuntimeException e) {
            PipelineRun.release(loading, SpeechEngine::close, e);
            throw e;
        }
        try (KafkaCluster cluster = connected; SpeechEngine engine = PipelineRun.join(loading)) {
            SensoriumConfig withBins = config.withMelBins(engine.melBins());
            try (StreamsStage features = new StreamsStage(FeatureTopology.STAGE, FeatureTopology.build(withBins),
                         chosen.withPreprocessingThreadsBeside(config).kafka(), cluster.connection());
                 StreamsStage speech = new StreamsStage(SpeechTopology.STAGE, SpeechTopology.build(withBins, engine),
                         config.kafka(), cluster.connection());
                 OutputWatcher watcher = new OutputWatcher(cluster.connection(), config.topics().transcripts(),
                         config.topics().deadLetters(), TranscriptJson::read, TranscriptEnd.class);
                 KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.connection());
                 LiveView liveView = view.open(config, cluster)) {
                watcher.expect(streams.keySet());
                AudioIngest ingest = Ingests.audio(withBins, producer, reading);
                SourcePublishing.stopOnSignal(signal, ingest::stop, streams.values());
                int exit = PipelineRun.run(watcher, List.of(features, speech), failures -> SourcePublishing.publishAll(
                        ingest::publish, ingest::stop, streams, reading.realtime(), result -> {
                            if (!result.ok()) {
                                failures.failed(result.streamId(), result.error(), result.streamClosed());
                            }
                        }), value -> print(value, files));
                return ViewOption.holdAfterRun(exit, liveView, signal);
            }
        }
    }

    private void print(Object value, TranscriptFiles files) {
        if (files != null) {
            files.write(value).ifPresent(file -> System.err.println("sensorium: " + ((TranscriptEnd) value).stream()
                    + " -> " + file));
        } else if (format == Format.json && !(value instanceof TranscriptEnd)) {
            System.out.println(JsonRecords.writeString(value));
        } else if (value instanceof TranscriptSegment segment) {
            captions.clear();
            System.out.printf("[%s --> %s] %s%s%n", clock(segment.start()), clock(segment.end()), prefix(segment.stream()),
                    segment.text().strip());
        } else if (value instanceof TranscriptPartial partial) {
            captions.show(prefix(partial.stream()) + partial.text().strip());
        }
        System.out.flush();
    }

    private String prefix(String stream) {
        return sources.size() > 1 ? stream + ": " : "";
    }

    private static String clock(double seconds) {
        long millis = Math.round(seconds * 1000);
        return String.format("%02d:%02d.%03d", millis / 60_000, millis / 1000 % 60, millis % 1000);
    }
}
