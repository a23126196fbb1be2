package io.sensorium.cli;

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
import java.nio.file.Files;
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
    enum Format { json, text }

    @Mixin
    ConfigOptions options;

    @Mixin
    AudioInputOptions input;

    @Parameters(paramLabel = "SOURCE", arity = "1..*", description = "Audio files (WAV, FLAC, MP3, anything FFmpeg reads),"
            + " named pipes, - for standard input, or live URLs (http, rtsp, srt, udp, rtmp...), read until stopped.")
    List<String> sources;

    @Option(names = "--format", description = "json (default: one JSON object per record, partials included) or text"
            + " (final segments as lines; on a terminal the latest partial too, on one line rewritten in place).")
    Format format = Format.json;

    @Option(names = "--vad", negatable = true, description = "Gate Whisper with Silero VAD, so that silence and noise"
            + " are never decoded (default: speech.vad, on; the live mode needs it).")
    Boolean vad;

    private final CaptionLine captions = new CaptionLine(System.console() != null);

    @Override
    public Integer call() throws Exception {
        try (StopOnSignal signal = new StopOnSignal()) {
            return transcribe(signal);
        }
    }

    private int transcribe(StopOnSignal signal) throws Exception {
        AudioIngest.Reading reading = input.reading();
        // A live caller would otherwise see nothing until a 30 s window filled.
        boolean live = reading.realtime() || sources.stream().anyMatch(InputPaths::isLive);
        SensoriumConfig loaded = options.load().withThreadsPerSource(sources.size());
        SensoriumConfig gated = vad == null ? loaded : loaded.withVad(vad);
        SensoriumConfig config = live ? gated.withLiveSpeech(true) : gated;
        FeatureTopology.requireSupported(config.audio());
        requireModel(config);
        AudioFiles.requireReadable(sources);
        Map<String, String> streams = StreamIds.forSources(sources);
        // The model loads while the broker starts and the topics are made: each takes about a second.
        CompletableFuture<SpeechEngine> loading = CompletableFuture.supplyAsync(() -> SpeechEngine.open(config));
        KafkaCluster connected;
        try {
            connected = KafkaCluster.forRun(config, KafkaCluster.speechTopics(config));
        } catch (RuntimeException e) {
            loading.thenAccept(SpeechEngine::close);
            throw e;
        }
        try (KafkaCluster cluster = connected; SpeechEngine engine = PipelineRun.join(loading)) {
            SensoriumConfig withBins = config.withMelBins(engine.melBins());
            try (StreamsStage features = new StreamsStage(FeatureTopology.STAGE, FeatureTopology.build(withBins),
                         config.kafka(), cluster.connection());
                 StreamsStage speech = new StreamsStage(SpeechTopology.STAGE, SpeechTopology.build(withBins, engine),
                         config.kafka(), cluster.connection());
                 OutputWatcher watcher = new OutputWatcher(cluster.connection(), config.topics().transcripts(),
                         config.topics().deadLetters(), TranscriptJson::read, TranscriptEnd.class);
                 KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.connection())) {
                watcher.expect(streams.keySet());
                AudioIngest ingest = IngestCommand.audioIngest(withBins, producer, reading);
                AudioPublishing.stopOnSignal(signal, ingest, streams.values());
                return PipelineRun.run(watcher, List.of(features, speech), failures -> AudioPublishing.publishAll(ingest,
                        streams, reading.realtime(), result -> {
                            if (!result.ok()) {
                                failures.failed(result.streamId(), result.error(), result.streamClosed());
                            }
                        }), this::print);
            }
        }
    }

    /** The configured Whisper model directory, or a usage error saying how to get one. */
    static Path requireModel(SensoriumConfig config) {
        Path model = config.speech().model();
        if (!Files.isDirectory(model)) {
            throw new UserFacingError("no Whisper model at " + model + ": get one with `./sensorium models pull tiny.en`"
                    + " or give --model DIR", UserFacingError.USAGE);
        }
        return model;
    }

    private void print(Object value) {
        if (format == Format.json) {
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
