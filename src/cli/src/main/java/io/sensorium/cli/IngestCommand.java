package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.ingest.audio.AudioIngest;
import io.sensorium.ingest.video.LivePacing;
import io.sensorium.ingest.video.VideoIngest;
import io.sensorium.processors.features.FeatureTopology;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sensorium ingest audio|video ...}: the ingest stage on its own, publishing to a running cluster. */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Publish media to the input topics.",
        subcommands = {IngestCommand.Audio.class, IngestCommand.Video.class})
final class IngestCommand {

    @Command(name = "audio", mixinStandardHelpOptions = true,
            description = "Decode audio (any format FFmpeg reads) and publish it as 16 kHz PCM16 chunks as it arrives (live sources until stopped).")
    static final class Audio implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Mixin
        AudioInputOptions input;

        @Parameters(paramLabel = "SOURCE", arity = "1..*", description = "Audio files (any format FFmpeg reads), named pipes,"
                + " - for standard input, or live URLs (http, rtsp, srt, udp, rtmp...).")
        List<String> sources;

        @Option(names = "--stream-id", paramLabel = "ID", description = "Stream id (record key) for a single file; default: the file name.")
        String streamId;

        @Override
        public Integer call() throws Exception {
            SensoriumConfig config = options.load();
            FeatureTopology.requireSupported(config.audio());
            AudioIngest.Reading reading = input.reading();
            AudioFiles.requireReadable(sources);
            Map<String, String> streams = StreamIds.chosen(streamId, sources, StreamIds::forSources);
            AtomicInteger failures = new AtomicInteger();
            try (StopOnSignal signal = new StopOnSignal();
                 KafkaCluster cluster = KafkaCluster.connect(config, false);
                 KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.connection())) {
                cluster.ensureTopics(config, KafkaCluster.speechTopics(config));
                AudioIngest ingest = Ingests.audio(config, producer, reading);
                SourcePublishing.stopOnSignal(signal, ingest::stop, streams.values());
                SourcePublishing.publishAll(ingest::publish, ingest::stop, streams, reading.realtime(), result -> {
                    if (!result.ok()) {
                        System.err.println("sensorium: " + result.source() + ": " + result.error());
                        failures.incrementAndGet();
                    }
                });
            }
            return failures.get() == 0 ? 0 : UserFacingError.FAILED;
        }
    }

    @Command(name = "video", mixinStandardHelpOptions = true,
            description = "Publish images, folders of images, video files or live URLs as JPEG frames (live URLs until stopped).")
    static final class Video implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Parameters(paramLabel = "SOURCE", arity = "1..*")
        List<String> sources;

        @Option(names = "--stream-id", paramLabel = "ID", description = "Camera / stream id (record key) for a single source; default: its name or URL.")
        String streamId;

        @Option(names = "--fps", paramLabel = "N", description = "Sample videos and live sources at N frames per second (default: every frame).")
        Double fps;

        @Override
        public Integer call() throws Exception {
            if (fps != null) {
                options.settings.put("video.fps", fps.toString());
            }
            SensoriumConfig config = options.load("vision.model");
            Map<String, String> streams = StreamIds.chosen(streamId, sources, StreamIds::forSources);
            try (StopOnSignal signal = new StopOnSignal();
                 KafkaCluster cluster = KafkaCluster.connect(config, false);
                 KafkaProducer<String, byte[]> producer = KafkaClients.producer(cluster.connection())) {
                cluster.ensureTopics(config, KafkaCluster.visionTopics(config));
                try (LivePacing pacing = Ingests.livePacing(config, cluster, streams.values())) {
                    return publish(Ingests.video(config, producer, pacing), signal, streams);
                }
            }
        }

        private static int publish(VideoIngest ingest, StopOnSignal signal, Map<String, String> streams)
                throws InterruptedException {
            AtomicInteger failures = new AtomicInteger();
            SourcePublishing.stopOnSignal(signal, ingest::stop, streams.values());
            SourcePublishing.publishAll(ingest::publish, ingest::stop, streams, false, result -> {
                result.problems().forEach(problem -> System.err.println("sensorium: " + result.streamId() + ": "
                        + problem));
                if (!result.ok()) {
                    failures.incrementAndGet();
                }
            });
            return failures.get() == 0 ? 0 : UserFacingError.FAILED;
        }
    }
}
