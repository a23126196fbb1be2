package io.sensorium.processors.features;

import static io.sensorium.core.records.RecordHeaders.SEQUENCE;
import static io.sensorium.core.records.RecordHeaders.longOr;

import io.sensorium.core.kafka.DeadLetteringProcessor;
import io.sensorium.core.records.AudioChunk;
import io.sensorium.core.records.AudioChunkSerde;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.FeatureChunkSerde;
import io.sensorium.core.records.InvalidRecordException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each audio chunk into the log-mel frames it completes. The per-stream STFT state (the samples a frame
 * still needs from the next chunk) lives in a state store, so a restart or a rebalance resumes every stream
 * exactly where it was.
 */
final class FeatureProcessor extends DeadLetteringProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureProcessor.class);

    private final AudioChunkSerde audioSerde;
    private final FeatureChunkSerde featureSerde;
    private final int melBins;
    private final int sampleRate;
    private final long maxGapSamples;
    private KeyValueStore<String, byte[]> streams;

    FeatureProcessor(int melBins, int sampleRate, int maxRecordBytes, long maxGapSamples) {
        super(FeatureTopology.STAGE);
        this.audioSerde = new AudioChunkSerde(maxRecordBytes);
        this.featureSerde = new FeatureChunkSerde(maxRecordBytes);
        this.melBins = melBins;
        this.sampleRate = sampleRate;
        this.maxGapSamples = maxGapSamples;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        super.init(context);
        streams = context.getStateStore(FeatureTopology.STORE);
    }

    @Override
    protected void handle(Record<String, byte[]> record) {
        AudioChunk chunk = audioSerde.read(record.key(), record.value(), record.headers());
        if (chunk.sampleRate() != sampleRate) {
            throw new InvalidRecordException("audio at " + chunk.sampleRate() + " Hz: the feature processor takes "
                    + sampleRate + " Hz (ingest resamples; a producer of its own must too)");
        }
        StreamingLogMel logMel = restore(chunk.streamId());
        long firstFrame = logMel.framesEmitted();
        List<float[]> frames = new ArrayList<>();
        fillGap(chunk, logMel, frames);
        frames.addAll(Arrays.asList(logMel.accept(chunk.samples())));
        if (chunk.endOfStream()) {
            finish(record, chunk.streamId(), chunk.sequence(), logMel, firstFrame, frames);
        } else {
            streams.put(chunk.streamId(), logMel.snapshot());
            emit(record, new FeatureChunk(chunk.streamId(), chunk.sequence(), firstFrame, melBins, logMel.samplesSeen(),
                    false, frames.toArray(float[][]::new)));
        }
    }

    /** The stream's last chunk was dead-lettered: its features end with the audio seen before it. */
    @Override
    protected void endStream(Record<String, byte[]> last) {
        StreamingLogMel logMel = restore(last.key());
        finish(last, last.key(), longOr(last.headers(), SEQUENCE, 0), logMel, logMel.framesEmitted(), new ArrayList<>());
    }

    private StreamingLogMel restore(String stream) {
        byte[] saved = streams.get(stream);
        return saved == null ? new StreamingLogMel(melBins) : StreamingLogMel.restore(melBins, saved);
    }

    /** Emits the stream's last frames (those the STFT's padding completes) and forgets the stream. */
    private void finish(Record<String, byte[]> in, String stream, long sequence, StreamingLogMel logMel, long firstFrame,
                        List<float[]> frames) {
        frames.addAll(Arrays.asList(logMel.finish()));
        streams.delete(stream);
        emit(in, new FeatureChunk(stream, sequence, firstFrame, melBins, logMel.samplesSeen(), true,
                frames.toArray(float[][]::new)));
    }

    private void emit(Record<String, byte[]> in, FeatureChunk features) {
        RecordHeaders headers = new RecordHeaders();
        featureSerde.writeHeaders(features, headers);
        emit(new Record<>(features.streamId(), featureSerde.value(features), in.timestamp(), headers));
    }

    /**
     * A chunk that starts past what the stream has seen follows a lost or dead-lettered chunk: silence stands in for
     * the missing audio so that every later time stays true. A chunk that starts before is a replay.
     */
    private void fillGap(AudioChunk chunk, StreamingLogMel logMel, List<float[]> frames) {
        long gap = chunk.sampleOffset() - logMel.samplesSeen();
        if (gap < 0) {
            throw new InvalidRecordException("chunk " + chunk.sequence() + " of stream '" + chunk.streamId()
                    + "' starts at sample " + chunk.sampleOffset() + ", which the stream has already passed ("
                    + logMel.samplesSeen() + "): a replayed or out-of-order chunk");
        }
        if (gap > maxGapSamples) {
            throw new InvalidRecordException("chunk " + chunk.sequence() + " of stream '" + chunk.streamId()
                    + "' leaves a gap of " + gap + " samples, more than the " + maxGapSamples + " that are filled with silence");
        }
        if (gap > 0) {
            LOG.warn("stream '{}': {} samples missing before chunk {}, filled with silence", chunk.streamId(), gap, chunk.sequence());
            frames.addAll(Arrays.asList(logMel.accept(new short[(int) gap])));
        }
    }
}
