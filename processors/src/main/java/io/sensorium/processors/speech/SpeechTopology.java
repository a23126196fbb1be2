package io.sensorium.processors.speech;

import io.sensorium.core.config.ConfigException;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StageTopology;
import io.sensorium.core.kafka.StateStores;
import java.util.List;
import org.apache.kafka.streams.Topology;

/**
 * The speech processor: features topic -> Whisper -> transcripts topic (JSON), by whole windows
 * ({@link SpeechProcessor}) or, with {@code speech.live}, as the audio comes ({@link LiveSpeechProcessor}).
 */
public final class SpeechTopology {
    public static final String STAGE = "speech";
    static final String STATE_STORE = "speech-stream-state";
    /** Its own store, so that a state directory kept from a run in the other mode is never misread. */
    static final String LIVE_STATE_STORE = "speech-live-state";
    static final String FRAME_STORE = "speech-pending-frames";
    static final String REGION_STORE = "speech-vad-regions";

    private SpeechTopology() {}

    /** All tasks of the topology share {@code engine}: one ONNX Runtime session per model per JVM. */
    public static Topology build(SensoriumConfig config, SpeechEngine engine) {
        SensoriumConfig.Speech speech = config.speech();
        SensoriumConfig.Kafka kafka = config.kafka();
        int maxRecordBytes = config.audio().maxRecordBytes();
        if (speech.live() && !speech.vad()) {
            // Without the VAD's pauses nothing would end an utterance, and silence would be decoded every step.
            throw new ConfigException("speech.live needs speech.vad", "speech.live");
        }
        if (speech.liveTrimSeconds() > LiveSpeechProcessor.MAX_BUFFER_SECONDS) {
            throw new ConfigException("speech.live-trim-seconds must be at most Whisper's window, "
                    + LiveSpeechProcessor.MAX_BUFFER_SECONDS + " s, not " + speech.liveTrimSeconds(),
                    "speech.live-trim-seconds");
        }
        return StageTopology.build(STAGE, config.topics().features(), config.topics().transcripts(),
                config.topics().deadLetters(),
                speech.live()
                        ? () -> new LiveSpeechProcessor(engine, maxRecordBytes, speech)
                        : () -> new SpeechProcessor(engine, maxRecordBytes, speech.vad() ? speech.vadOptions() : null),
                List.of(StateStores.keyValue(speech.live() ? LIVE_STATE_STORE : STATE_STORE, kafka),
                        StateStores.keyValue(FRAME_STORE, kafka), StateStores.keyValue(REGION_STORE, kafka)));
    }
}
