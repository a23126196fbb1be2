package io.sensorium.processors.features;

import io.sensorium.core.config.ConfigException;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StageTopology;
import io.sensorium.core.kafka.StateStores;
import io.sensorium.processors.vad.SileroVad;
import java.util.List;
import org.apache.kafka.streams.Topology;

/**
 * The feature preprocessor: audio topic -> Whisper log-mel frames on the features topic, with Silero VAD's speech
 * probabilities when {@code speech.vad} is on (this is the one stage that sees the samples).
 */
public final class FeatureTopology {
    public static final String STAGE = "features";
    static final String STORE = "features-stft-state";
    static final String VAD_STORE = "features-vad-state";
    /** Gaps up to a minute (a few lost chunks) are bridged with silence; more means the stream is broken. */
    private static final long MAX_GAP_SECONDS = 60;

    private FeatureTopology() {}

    /**
     * Refuses audio settings the features cannot be made from, before a run starts: at another rate they would be
     * made all the same, with every frequency and time wrong.
     */
    public static void requireSupported(SensoriumConfig.Audio audio) {
        if (audio.sampleRate() != LogMelSpectrogram.SAMPLE_RATE) {
            throw new ConfigException("audio.sample-rate is " + audio.sampleRate() + " Hz, but Whisper's log-mel features"
                    + " (and its models' preprocessor_config.json) are made at " + LogMelSpectrogram.SAMPLE_RATE
                    + " Hz; ingest resamples any input to it", "audio.sample-rate");
        }
    }

    public static Topology build(SensoriumConfig config) {
        SensoriumConfig.Audio audio = config.audio();
        requireSupported(audio);
        return StageTopology.build(STAGE, config.topics().audio(), config.topics().features(),
                config.topics().deadLetters(),
                () -> new FeatureProcessor(audio.melBins(), audio.sampleRate(), audio.maxRecordBytes(),
                        MAX_GAP_SECONDS * audio.sampleRate(), config.speech().vad() ? SileroVad.shared() : null),
                List.of(StateStores.keyValue(STORE, config.kafka()), StateStores.keyValue(VAD_STORE, config.kafka())));
    }
}
