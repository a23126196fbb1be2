package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.ingest.InputPaths;
import io.sensorium.ingest.audio.AudioIngest;
import io.sensorium.ingest.video.LivePacing;
import io.sensorium.ingest.video.VideoIngest;
import java.util.Collection;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Ingest wired to the configured topics: how {@code ingest}, {@code transcribe} and {@code detect} publish their
 * sources, each through this rather than through another command.
 */
final class Ingests {
    private Ingests() {}

    /** @param pacing see {@link #livePacing}; may be null */
    static VideoIngest video(SensoriumConfig config, KafkaProducer<String, byte[]> producer, LivePacing pacing) {
        return new VideoIngest(producer, config.topics().frames(), config.topics().deadLetters(), config.video(),
                config.live(), pacing);
    }

    /**
     * The pacing of live cameras' frames by the vision stage's answers ({@code vision.live-pacing}), or null where
     * it is off or no source is live; the caller closes it.
     */
    static LivePacing livePacing(SensoriumConfig config, KafkaCluster cluster, Collection<String> sources) {
        if (!config.vision().pacesLiveFrames() || sources.stream().noneMatch(InputPaths::isUrl)) {
            return null;
        }
        // A frame's answer comes through two stages, the preprocessor's and the vision stage's, each of which holds it.
        return new LivePacing(KafkaClients.reader(cluster.connection()), config.topics().detections(),
                config.vision().liveMaxLagSeconds(), 2 * StreamsStage.HOLD_MS);
    }

    static AudioIngest audio(SensoriumConfig config, KafkaProducer<String, byte[]> producer,
                             AudioIngest.Reading reading) {
        return new AudioIngest(producer, config.topics().audio(), config.topics().deadLetters(), config.audio(),
                config.live(), reading);
    }
}
