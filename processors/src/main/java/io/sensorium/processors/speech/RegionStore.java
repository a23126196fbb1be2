package io.sensorium.processors.speech;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.InvalidRecordException;
import io.sensorium.processors.vad.SpeechRegions;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each stream's {@link SpeechRegions}, kept in a state store between its feature chunks, so that what the VAD has
 * seen survives a restart.
 */
final class RegionStore {
    private static final long SAMPLES_PER_SECOND = (long) SpeechEngine.HOP_SAMPLES * SpeechEngine.FRAMES_PER_SECOND;

    private final KeyValueStore<String, byte[]> store;
    private final SensoriumConfig.VadOptions vad;

    RegionStore(KeyValueStore<String, byte[]> store, SensoriumConfig.VadOptions vad) {
        this.store = store;
        this.vad = vad;
    }

    /** The stream's regions with the chunk's probabilities taken in (and closed, on the stream's last chunk). */
    SpeechRegions update(FeatureChunk chunk) {
        if (chunk.speechProbabilities() == null) {
            throw new InvalidRecordException("features of stream '" + chunk.streamId() + "' carry no speech "
                    + "probabilities, which speech.vad needs: the feature stage must run with speech.vad on too");
        }
        SpeechRegions regions = restore(chunk.streamId());
        if (chunk.vadWindow() != regions.windows()) {
            throw new InvalidRecordException("speech probabilities of stream '" + chunk.streamId() + "' from window "
                    + chunk.vadWindow() + " where window " + regions.windows() + " was expected");
        }
        regions.accept(chunk.speechProbabilities());
        if (chunk.endOfStream()) {
            regions.finish(chunk.streamSamples());
        }
        return regions;
    }

    /** The stream's regions as they stood, closed at {@code streamSamples}: its last chunk was lost. */
    SpeechRegions ended(String stream, long streamSamples) {
        SpeechRegions regions = restore(stream);
        regions.finish(streamSamples);
        return regions;
    }

    /** Keeps the regions, less those that end before {@code frame}, which nothing will ask about again. */
    void save(String stream, SpeechRegions regions, long frame) {
        regions.dropBefore(frame * SpeechEngine.HOP_SAMPLES);
        store.put(stream, regions.snapshot());
    }

    void delete(String stream) {
        store.delete(stream);
    }

    /** Whether stream time {@code [start, end]} touches speech, or what may yet turn out to be speech. */
    static boolean heard(SpeechRegions regions, double start, double end) {
        return regions.overlaps(samples(start), samples(end));
    }

    static long samples(double seconds) {
        return Math.round(seconds * SAMPLES_PER_SECOND);
    }

    private SpeechRegions restore(String stream) {
        byte[] saved = store.get(stream);
        return saved == null ? new SpeechRegions(vad) : SpeechRegions.restore(vad, saved);
    }
}
