package io.sensorium.processors.features;

import static io.sensorium.core.records.RecordHeaders.SEQUENCE;
import static io.sensorium.core.records.RecordHeaders.longOr;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.sensorium.core.kafka.DeadLetteringProcessor;
import io.sensorium.core.records.AudioChunk;
import io.sensorium.core.records.AudioChunkSerde;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.FeatureChunkSerde;
import io.sensorium.core.records.InvalidRecordException;
import io.sensorium.processors.vad.SileroVad;
import io.sensorium.processors.vad.StreamingVad;
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
 * Turns each audio chunk into the log-mel frames it completes and, with VAD on, the speech probabilities of the
 * 512-sample windows it completes. The per-stream STFT and VAD state (the samples a frame or window still needs from
 * the next chunk, Silero's recurrent state) lives in state stores, so a restart or a rebalance resumes every stream
 * exactly where it was.
 */
final class FeatureProcessor extends DeadLetteringProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureProcessor.class);
    private static final Counter AUDIO_SECONDS = Counter.builder("sensorium.features.audio")
            .description("audio the feature stage has taken in").baseUnit("seconds").register(Metrics.globalRegistry);

    private final AudioChunkSerde audioSerde;
    private final FeatureChunkSerde featureSerde;
    private final int melBins;
    /** Every stream's frames: a processor runs on one thread. */
    private final LogMelSpectrogram spectrogram;
    private final int sampleRate;
    private final long maxGapSamples;
    /** Null when the stage runs without VAD. */
    private final SileroVad vad;
    private KeyValueStore<String, byte[]> streams;
    private KeyValueStore<String, byte[]> vadStates;

    FeatureProcessor(int melBins, int sampleRate, int maxRecordBytes, long maxGapSamples, SileroVad vad) {
        super(FeatureTopology.STAGE);
        this.audioSerde = new AudioChunkSerde(maxRecordBytes);
        this.featureSerde = new FeatureChunkSerde(maxRecordBytes);
        this.melBins = melBins;
        this.spectrogram = new LogMelSpectrogram(melBins);
        this.sampleRate = sampleRate;
        this.maxGapSamples = maxGapSamples;
        this.vad = vad;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        super.init(context);
        streams = context.getStateStore(FeatureTopology.STORE);
        countStreams(streams);
        vadStates = context.getStateStore(FeatureTopology.VAD_STORE);
    }

    @Override
    protected void handle(Record<String, byte[]> record) {
        AudioChunk chunk = audioSerde.read(record.key(), record.value(), record.headers());
        if (chunk.sampleRate() != sampleRate) {
            throw new InvalidRecordException("audio at " + chunk.sampleRate() + " Hz: the feature processor takes "
                    + sampleRate + " Hz (ingest resamples; a producer of its own must too)");
        }
        StreamingLogMel logMel = restore(chunk.streamId());
        AUDIO_SECONDS.increment((double) chunk.samples().length / sampleRate);
        process(record, chunk.streamId(), chunk.sequence(), logMel, withGapFilled(chunk, logMel.samplesSeen()),
                chunk.endOfStream());
    }

    /** The stream's last chunk was dead-lettered: its features end with the audio seen before it. */
    @Override
    protected void endStream(Record<String, byte[]> last) {
        process(last, last.key(), longOr(last.headers(), SEQUENCE, 0), restore(last.key()), new short[0], true);
    }

    private StreamingLogMel restore(String stream) {
        byte[] saved = streams.get(stream);
        return saved == null ? new StreamingLogMel(spectrogram) : StreamingLogMel.restore(spectrogram, saved);
    }

    /** Emits the frames (and speech probabilities) {@code samples} complete; at the end, the stream's last ones. */
    private void process(Record<String, byte[]> in, String stream, long sequence, StreamingLogMel logMel, short[] samples,
                         boolean end) {
        long firstFrame = logMel.framesEmitted();
        List<float[]> frames = new ArrayList<>(Arrays.asList(logMel.accept(samples)));
        if (end) {
            frames.addAll(Arrays.asList(logMel.finish()));
            streams.delete(stream);
        } else {
            streams.put(stream, logMel.snapshot());
        }
        FeatureChunk features = vad == null
                ? new FeatureChunk(stream, sequence, firstFrame, melBins, logMel.samplesSeen(), end, frames.toArray(float[][]::new))
                : withSpeechProbabilities(stream, sequence, end, samples, firstFrame, logMel.samplesSeen(), frames);
        RecordHeaders headers = new RecordHeaders();
        featureSerde.writeHeaders(features, headers);
        emit(new Record<>(stream, featureSerde.value(features), in.timestamp(), headers));
    }

    /** The frames with the speech probabilities of the VAD windows {@code samples} complete. */
    private FeatureChunk withSpeechProbabilities(String stream, long sequence, boolean end, short[] samples, long firstFrame,
                                                 long streamSamples, List<float[]> frames) {
        byte[] saved = vadStates.get(stream);
        StreamingVad streamVad = saved == null ? new StreamingVad(vad) : StreamingVad.restore(vad, saved);
        long vadWindow = streamVad.windows();
        float[] probabilities = streamVad.accept(samples);
        if (end) {
            float[] last = streamVad.finish();
            probabilities = Arrays.copyOf(probabilities, probabilities.length + last.length);
            System.arraycopy(last, 0, probabilities, probabilities.length - last.length, last.length);
            vadStates.delete(stream);
        } else {
            vadStates.put(stream, streamVad.snapshot());
        }
        return new FeatureChunk(stream, sequence, firstFrame, melBins, streamSamples, end, frames.toArray(float[][]::new),
                vadWindow, probabilities);
    }

    /**
     * A chunk that starts past what the stream has seen follows a lost or dead-lettered chunk: silence stands in for
     * the missing audio so that every later time stays true. A chunk that starts before is a replay.
     */
    private short[] withGapFilled(AudioChunk chunk, long samplesSeen) {
        long gap = chunk.sampleOffset() - samplesSeen;
        if (gap < 0) {
            throw new InvalidRecordException("chunk " + chunk.sequence() + " of stream '" + chunk.streamId()
                    + "' starts at sample " + chunk.sampleOffset() + ", which the stream has already passed ("
                    + samplesSeen + "): a replayed or out-of-order chunk");
        }
        if (gap > maxGapSamples) {
            throw new InvalidRecordException("chunk " + chunk.sequence() + " of stream '" + chunk.streamId()
                    + "' leaves a gap of " + gap + " samples, more than the " + maxGapSamples + " that are filled with silence");
        }
        if (gap == 0) {
            return chunk.samples();
        }
        LOG.warn("stream '{}': {} samples missing before chunk {}, filled with silence", chunk.streamId(), gap, chunk.sequence());
        short[] samples = new short[(int) gap + chunk.samples().length];
        System.arraycopy(chunk.samples(), 0, samples, (int) gap, chunk.samples().length);
        return samples;
    }
}
