package io.sensorium.processors.speech;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StageTopology;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The speech processor: features topic -> Whisper -> transcripts topic (JSON). */
public final class SpeechTopology {
    public static final String STAGE = "speech";
    static final String STATE_STORE = "speech-stream-state";
    static final String FRAME_STORE = "speech-pending-frames";
    static final String REGION_STORE = "speech-vad-regions";

    private SpeechTopology() {}

    /** All tasks of the topology share {@code engine}: one ONNX Runtime session per model per JVM. */
    public static Topology build(SensoriumConfig config, SpeechEngine engine) {
        return StageTopology.build(STAGE, config.topics().features(), config.topics().transcripts(),
                config.topics().deadLetters(),
                () -> new SpeechProcessor(engine, config.audio().maxRecordBytes(),
                        config.speech().vad() ? config.speech().vadOptions() : null),
                List.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), Serdes.ByteArray()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FRAME_STORE), Serdes.String(), Serdes.ByteArray()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REGION_STORE), Serdes.String(), Serdes.ByteArray())));
    }
}
