package io.sensorium.processors.speech;

import io.sensorium.core.kafka.DeadLetteringProcessor;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.FeatureChunkSerde;
import io.sensorium.core.records.InvalidRecordException;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.JsonRecords;
import io.sensorium.core.records.TranscriptSegment;
import java.util.Arrays;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Assembles each stream's log-mel frames into 30 s windows and transcribes a window as soon as it is full, or, at
 * the end of the stream, whatever is left. After a window it moves on as far as Whisper's seek rule says (to the
 * window's end, or back to the last timestamp when the last segment was cut off), so speech that straddles two
 * windows is decoded whole in the second.
 */
final class SpeechProcessor extends DeadLetteringProcessor {
    private final SpeechEngine engine;
    private final FeatureChunkSerde serde;
    private KeyValueStore<String, byte[]> states;
    private FrameWindowStore frames;

    SpeechProcessor(SpeechEngine engine, int maxRecordBytes) {
        super(SpeechTopology.STAGE);
        this.engine = engine;
        this.serde = new FeatureChunkSerde(maxRecordBytes);
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        super.init(context);
        states = context.getStateStore(SpeechTopology.STATE_STORE);
        frames = new FrameWindowStore(context.getStateStore(SpeechTopology.FRAME_STORE), engine.melBins());
    }

    @Override
    protected void handle(Record<String, byte[]> record) {
        FeatureChunk chunk = serde.read(record.key(), record.value(), record.headers());
        if (chunk.melBins() != engine.melBins()) {
            throw new InvalidRecordException("features have " + chunk.melBins() + " mel bins, model " + engine.modelName()
                    + " takes " + engine.melBins() + " (set audio.mel-bins for the feature processor)");
        }
        String stream = chunk.streamId();
        byte[] saved = states.get(stream);
        SpeechStreamState state = saved == null ? SpeechStreamState.NEW : SpeechStreamState.fromBytes(saved);
        if (chunk.firstFrame() < state.framesReceived()) {
            throw new InvalidRecordException("features of stream '" + stream + "' from frame " + chunk.firstFrame()
                    + " were already received (up to " + state.framesReceived() + "): a replayed record");
        }
        int count = chunk.frames().length;
        if (count > 0) {
            frames.put(stream, chunk.firstFrame(), record.value());
        }
        state = state.withReceived(chunk.firstFrame() + count);
        while (state.framesReceived() - state.seekFrame() >= SpeechEngine.WINDOW_FRAMES) {
            state = transcribeWindow(record, stream, state, SpeechEngine.WINDOW_FRAMES);
        }
        if (chunk.endOfStream()) {
            finish(record, stream, state, chunk.streamSamples());
        } else {
            frames.dropBefore(stream, state.seekFrame());
            states.put(stream, state.toBytes());
        }
    }

    /** The stream's last features were dead-lettered: what it had before is transcribed and the stream closed. */
    @Override
    protected void endStream(Record<String, byte[]> last) {
        byte[] saved = states.get(last.key());
        SpeechStreamState state = saved == null ? SpeechStreamState.NEW : SpeechStreamState.fromBytes(saved);
        finish(last, last.key(), state, state.framesReceived() * SpeechEngine.HOP_SAMPLES);
    }

    /** Transcribes what is left (Whisper's content frames: one per 160 samples) and closes the stream. */
    private void finish(Record<String, byte[]> record, String stream, SpeechStreamState state, long streamSamples) {
        long contentFrames = streamSamples / SpeechEngine.HOP_SAMPLES;
        while (state.seekFrame() < contentFrames) {
            int size = (int) Math.min(SpeechEngine.WINDOW_FRAMES, contentFrames - state.seekFrame());
            state = transcribeWindow(record, stream, state, size);
        }
        double duration = (double) streamSamples / (SpeechEngine.HOP_SAMPLES * SpeechEngine.FRAMES_PER_SECOND);
        forward(record, stream, JsonRecords.write(TranscriptEnd.of(stream, state.segments(), duration)));
        frames.dropStream(stream);
        states.delete(stream);
    }

    private SpeechStreamState transcribeWindow(Record<String, byte[]> record, String stream, SpeechStreamState state,
                                               int contentFrames) {
        float[][] window = frames.window(stream, state.seekFrame(), SpeechEngine.WINDOW_FRAMES);
        WhisperTranscriber.WindowTranscript transcript = engine.transcribe(window, contentFrames);
        double offset = (double) state.seekFrame() / SpeechEngine.FRAMES_PER_SECOND;
        int index = state.segments();
        for (WhisperTranscriber.Segment segment : transcript.segments()) {
            TranscriptSegment out = TranscriptSegment.of(stream, index++, offset + segment.start(), offset + segment.end(),
                    engine.text(segment.tokens()), Arrays.stream(segment.tokens()).boxed().toList(),
                    transcript.avgLogprob(), engine.modelName(), engine.language());
            forward(record, stream, JsonRecords.write(out));
        }
        return state.advanced(transcript.advanceFrames(), index - state.segments());
    }

    private void forward(Record<String, byte[]> record, String stream, byte[] json) {
        emit(new Record<>(stream, json, record.timestamp(), new RecordHeaders()));
    }
}
