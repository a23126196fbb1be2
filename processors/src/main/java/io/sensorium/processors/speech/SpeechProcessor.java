package io.sensorium.processors.speech;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.JsonRecords;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.core.records.TranscriptWord;
import io.sensorium.processors.speech.whisper.WhisperTranscriber;
import io.sensorium.processors.vad.SpeechRegions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Assembles each stream's log-mel frames into 30 s windows and transcribes a window as soon as it is full, or, at
 * the end of the stream, whatever is left. After a window it moves on as far as Whisper's seek rule says (to the
 * window's end, or back to the last timestamp when the last segment was cut off), so speech that straddles two
 * windows is decoded whole in the second.
 *
 * <p>With VAD on, the speech probabilities that come with the frames tell where speech is ({@link SpeechRegions},
 * kept in a state store): the seek jumps over silence, so no window without speech is decoded, and a segment outside
 * speech is dropped.
 */
final class SpeechProcessor extends FrameStoreProcessor {
    private static final long SAMPLES_PER_FRAME = SpeechEngine.HOP_SAMPLES;

    SpeechProcessor(SpeechEngine engine, int maxRecordBytes, SensoriumConfig.VadOptions vad) {
        super(engine, maxRecordBytes, vad, SpeechTopology.STATE_STORE);
    }

    @Override
    protected void handle(Record<String, byte[]> record) {
        FeatureChunk chunk = features(record);
        String stream = chunk.streamId();
        byte[] saved = states.get(stream);
        SpeechStreamState state = saved == null ? SpeechStreamState.NEW : SpeechStreamState.fromBytes(saved);
        FrameWindowStore.checkNew(chunk, state.framesReceived());
        SpeechRegions regions = vad == null ? null : regionStates.update(chunk);
        long received = frames.append(chunk, record.value());
        state = skipSilence(state.withReceived(received), regions);
        while (state.framesReceived() - state.seekFrame() >= SpeechEngine.WINDOW_FRAMES) {
            state = skipSilence(transcribeWindow(record, stream, state, SpeechEngine.WINDOW_FRAMES, regions), regions);
        }
        if (chunk.endOfStream()) {
            finish(record, stream, state, chunk.streamSamples(), regions);
        } else {
            frames.dropBefore(stream, state.seekFrame());
            states.put(stream, state.toBytes());
            if (regions != null) {
                regionStates.save(stream, regions, state.seekFrame());
            }
        }
    }

    /** The stream's last features were dead-lettered: what it had before is transcribed and the stream closed. */
    @Override
    protected void endStream(Record<String, byte[]> last) {
        String stream = last.key();
        byte[] saved = states.get(stream);
        SpeechStreamState state = saved == null ? SpeechStreamState.NEW : SpeechStreamState.fromBytes(saved);
        long streamSamples = state.framesReceived() * SpeechEngine.HOP_SAMPLES;
        finish(last, stream, state, streamSamples, vad == null ? null : regionStates.ended(stream, streamSamples));
    }

    /** Moves the seek over frames that are known to hold no speech. */
    private static SpeechStreamState skipSilence(SpeechStreamState state, SpeechRegions regions) {
        if (regions == null) {
            return state;
        }
        long speech = regions.nextSpeech(state.seekFrame() * SAMPLES_PER_FRAME) / SAMPLES_PER_FRAME;
        return state.advanced(Math.min(speech, state.framesReceived()) - state.seekFrame(), 0);
    }

    /** Transcribes what is left (Whisper's content frames: one per 160 samples) and closes the stream. */
    private void finish(Record<String, byte[]> record, String stream, SpeechStreamState state, long streamSamples,
                        SpeechRegions regions) {
        long contentFrames = streamSamples / SpeechEngine.HOP_SAMPLES;
        state = skipSilence(state, regions);
        while (state.seekFrame() < contentFrames) {
            int size = (int) Math.min(SpeechEngine.WINDOW_FRAMES, contentFrames - state.seekFrame());
            state = skipSilence(transcribeWindow(record, stream, state, size, regions), regions);
        }
        double duration = (double) streamSamples / (SpeechEngine.HOP_SAMPLES * SpeechEngine.FRAMES_PER_SECOND);
        forward(record, stream, JsonRecords.write(TranscriptEnd.of(stream, state.segments(), duration)));
        frames.dropStream(stream);
        states.delete(stream);
        regionStates.delete(stream);
    }

    private SpeechStreamState transcribeWindow(Record<String, byte[]> record, String stream, SpeechStreamState state,
                                               int contentFrames, SpeechRegions regions) {
        float[][] window = frames.window(stream, state.seekFrame(), SpeechEngine.WINDOW_FRAMES);
        int[] context = state.context() != null ? state.context() : engine.initialContext();
        WhisperTranscriber.WindowTranscript transcript = engine.transcribe(window, contentFrames, state.language(),
                context);
        state = state.inLanguage(transcript.language(),
                transcript.detection() == null ? null : transcript.detection().probability());
        double offset = (double) state.seekFrame() / SpeechEngine.FRAMES_PER_SECOND;
        int index = state.segments();
        List<WhisperTranscriber.Segment> kept = new ArrayList<>();
        for (WhisperTranscriber.Segment segment : transcript.segments()) {
            double start = offset + segment.start();
            double end = offset + segment.end();
            if (regions != null && !RegionStore.heard(regions, start, end)) {
                continue;
            }
            kept.add(segment);
            TranscriptSegment out = TranscriptSegment.of(stream, index++, start, end,
                    engine.text(segment.tokens()), Arrays.stream(segment.tokens()).boxed().toList(),
                    transcript.avgLogprob(), engine.modelName(), state.language(), state.languageProbability());
            if (segment.words() != null) {
                out = out.withWords(segment.words().stream().map(word -> TranscriptWord.rounded(word.text(),
                        offset + word.start(), offset + word.end(), word.probability())).toList());
            }
            forward(record, stream, JsonRecords.write(out));
        }
        return state.withContext(engine.nextContext(context, transcript, kept))
                .advanced(transcript.advanceFrames(), index - state.segments());
    }
}
