package io.sensorium.processors.speech;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.DeadLetteringProcessor;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.FeatureChunkSerde;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What both modes of the speech stage stand on: the feature records read and checked against the model, each
 * stream's frames ({@link FrameWindowStore}), VAD regions ({@link RegionStore}) and own state in their stores.
 */
abstract class FrameStoreProcessor extends DeadLetteringProcessor {
    protected final SpeechEngine engine;
    /** Null when the stage runs without VAD. */
    protected final SensoriumConfig.VadOptions vad;
    private final FeatureChunkSerde serde;
    private final String stateStore;
    protected KeyValueStore<String, byte[]> states;
    protected RegionStore regionStates;
    protected FrameWindowStore frames;

    FrameStoreProcessor(SpeechEngine engine, int maxRecordBytes, SensoriumConfig.VadOptions vad, String stateStore) {
        super(SpeechTopology.STAGE);
        this.engine = engine;
        this.serde = new FeatureChunkSerde(maxRecordBytes);
        this.vad = vad;
        this.stateStore = stateStore;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        super.init(context);
        states = context.getStateStore(stateStore);
        countStreams(states);
        regionStates = new RegionStore(context.getStateStore(SpeechTopology.REGION_STORE), vad);
        frames = new FrameWindowStore(context.getStateStore(SpeechTopology.FRAME_STORE), engine.melBins());
    }

    /** The record's features, refused when their mel size is not the model's. */
    protected FeatureChunk features(Record<String, byte[]> record) {
        FeatureChunk chunk = serde.read(record.key(), record.value(), record.headers());
        engine.checkFeatures(chunk);
        return chunk;
    }

    /** A transcript record of {@code stream}, in the order and time of the features that led to it. */
    protected void forward(Record<String, byte[]> record, String stream, byte[] json) {
        emit(new Record<>(stream, json, record.timestamp(), new RecordHeaders()));
    }
}
