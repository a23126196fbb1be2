package io.sensorium.processors.speech;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.FeatureChunk;
import io.sensorium.core.records.JsonRecords;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptPartial;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.core.records.TranscriptWord;
import io.sensorium.processors.features.LogMelSpectrogram;
import io.sensorium.processors.speech.live.Commit;
import io.sensorium.processors.speech.live.LocalAgreement;
import io.sensorium.processors.speech.live.SegmentWords;
import io.sensorium.processors.speech.live.TimedWord;
import io.sensorium.processors.speech.whisper.ForcedPrefix;
import io.sensorium.processors.speech.whisper.WhisperTranscriber;
import io.sensorium.processors.speech.whisper.WordTimestamps;
import io.sensorium.processors.vad.SpeechRegions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speech stage in live mode ({@code speech.live}): each stream's audio since its last confirmed words (its
 * buffer, at most one 30 s window) is transcribed again whenever {@code speech.live-step-seconds} of new audio have
 * come and the VAD finds speech in it, and {@link LocalAgreement} confirms the words two transcriptions in a row
 * agree on. Confirmed words go out as final {@code segment} records, the rest as the stream's {@code partial}.
 *
 * <p>Where the VAD closes a speech region (the speaker paused for {@code min-silence-duration-ms}), and at the
 * stream's end, the buffer up to the region's end is transcribed once more and everything pending is confirmed, so
 * an utterance's last words do not wait for the next one. Audio the VAD holds no speech in is never decoded.
 */
final class LiveSpeechProcessor extends FrameStoreProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSpeechProcessor.class);
    private static final DistributionSummary LAG = DistributionSummary.builder("sensorium.speech.live.lag")
            .description("how far the live speech stage is behind real time when a chunk of audio reaches it")
            .baseUnit("seconds").register(Metrics.globalRegistry);
    /** A lag under this is the pipeline's own hops and a step: no reason to tell the operator. */
    private static final double LAG_WARNING_SECONDS = 3.0;
    private static final long LAG_WARNING_INTERVAL_MS = 10_000;
    private static final long HOP = SpeechEngine.HOP_SAMPLES;
    /** The buffer is one window of Whisper at most. */
    static final double MAX_BUFFER_SECONDS = (double) SpeechEngine.WINDOW_FRAMES / SpeechEngine.FRAMES_PER_SECOND;
    /** Frame positions computed from word times land a rounding error below a whole frame. */
    private static final double FRAME_EPSILON = 1e-6;
    private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[.,?!;:\u2026]+$");
    private static final Pattern SENTENCE_END = Pattern.compile("[.?][\"')\\]]*$");
    private static final int FFT_LAG_FRAMES = -Math.floorDiv(-LogMelSpectrogram.N_FFT / 2, LogMelSpectrogram.HOP);

    private final long stepFrames;
    private final LocalAgreement.Options policy;
    /** speech.live-sentence-pause-ms, in samples; {@link Long#MAX_VALUE} where it is 0 (off). */
    private final long sentencePause;
    /** The VAD's padding of speech, in samples: an utterance ended at a sentence keeps as much of the pause. */
    private final long speechPad;
    /**
     * Finals carry their words (speech.word-timestamps): their times are the alignment heads', but for words kept
     * from a state an earlier version saved, whose times are estimates and which go without.
     */
    private final boolean wordTimestamps;
    /** speech.live-prefix: the buffer's confirmed words are the decoder's forced start rather than decoded again. */
    private final boolean prefix;
    private long lastLagWarning;

    LiveSpeechProcessor(SpeechEngine engine, int maxRecordBytes, SensoriumConfig.Speech speech) {
        super(engine, maxRecordBytes, speech.vadOptions().withMinSilenceDurationMs(speech.livePauseMs()),
                SpeechTopology.LIVE_STATE_STORE);
        // A frame is published once the half FFT window after its centre has come, so a chunk of k seconds brings
        // a couple of frames fewer than k x 100: without the allowance a 1 s step would wait for a second chunk.
        this.stepFrames = Math.max(1,
                Math.round(speech.liveStepSeconds() * SpeechEngine.FRAMES_PER_SECOND) - FFT_LAG_FRAMES);
        this.wordTimestamps = speech.wordTimestamps();
        this.prefix = speech.livePrefix();
        this.sentencePause = speech.liveSentencePauseMs() == 0 ? Long.MAX_VALUE
                : SpeechRegions.samples(speech.liveSentencePauseMs());
        this.speechPad = SpeechRegions.samples(speech.vadOptions().speechPadMs());
        LocalAgreement.Options streaming = LocalAgreement.Options.DEFAULT;
        this.policy = new LocalAgreement.Options(streaming.depth(), speech.liveTrimSeconds(), MAX_BUFFER_SECONDS,
                streaming.promptChars(), speech.liveMaxDelaySeconds());
    }

    @Override
    protected void handle(Record<String, byte[]> record) {
        FeatureChunk chunk = features(record);
        String stream = chunk.streamId();
        LiveStreamState state = load(stream);
        FrameWindowStore.checkNew(chunk, state.framesReceived);
        SpeechRegions regions = regionStates.update(chunk);
        state.framesReceived = frames.append(chunk, record.value());
        if (chunk.endOfStream()) {
            finish(record, stream, state, regions, chunk.streamSamples());
            return;
        }
        long end = state.framesReceived;
        endUtterances(record, stream, state, regions, end);
        if (end - state.transcribedFrame >= dueFrames(stream, record.timestamp()) && holdsSpeech(state, regions, end)) {
            transcribe(record, stream, state, regions, end);
        }
        endSentence(record, stream, state, regions, end);
        long bufferStart = frame(state.agreement.bufferStart());
        frames.dropBefore(stream, bufferStart);
        regionStates.save(stream, regions, bufferStart);
        states.put(stream, state.toBytes());
    }

    /** The stream's last features were dead-lettered: what came before is finalised and the stream closed. */
    @Override
    protected void endStream(Record<String, byte[]> last) {
        String stream = last.key();
        LiveStreamState state = load(stream);
        long streamSamples = state.framesReceived * HOP;
        finish(last, stream, state, regionStates.ended(stream, streamSamples), streamSamples);
    }

    private LiveStreamState load(String stream) {
        byte[] saved = states.get(stream);
        return saved == null ? LiveStreamState.fresh(policy) : LiveStreamState.fromBytes(saved, policy);
    }

    /** Confirms what is pending and emits the end marker; the stream's regions are all closed by now. */
    private void finish(Record<String, byte[]> record, String stream, LiveStreamState state, SpeechRegions regions,
                        long streamSamples) {
        long end = streamSamples / HOP;
        endUtterances(record, stream, state, regions, end);
        if (!state.agreement.pending().isEmpty() || holdsSpeech(state, regions, end)) {
            endUtterance(record, stream, state, regions, end);
        }
        double duration = (double) streamSamples / (HOP * SpeechEngine.FRAMES_PER_SECOND);
        forward(record, stream, JsonRecords.write(TranscriptEnd.of(stream, state.segments, duration)));
        frames.dropStream(stream);
        states.delete(stream);
        regionStates.delete(stream);
    }

    /**
     * Finalises each utterance in the buffer the VAD has closed, up to {@code end}, and moves the buffer over the
     * silence that follows, as far as it is known to be silence.
     */
    private void endUtterances(Record<String, byte[]> record, String stream, LiveStreamState state,
                               SpeechRegions regions, long end) {
        skipSilence(state, regions, end);
        for (long[] region : regions.regions()) {
            long regionEnd = Math.min(-Math.floorDiv(-region[1], HOP), end);
            if (regionEnd > frame(state.agreement.bufferStart())) {
                endUtterance(record, stream, state, regions, regionEnd);
                skipSilence(state, regions, end);
            }
        }
    }

    /**
     * Confirms all of the newest transcription of the buffer up to {@code end}, made after the speaker stopped: the
     * last step's where it heard up to {@code end} and nothing but silence after, as it usually did during the pause
     * that ended the utterance, otherwise one more.
     */
    private void endUtterance(Record<String, byte[]> record, String stream, LiveStreamState state,
                              SpeechRegions regions, long end) {
        long heard = frame(state.agreement.heardUntil());
        if (heard < end || regions.nextSpeech(end * HOP) < heard * HOP) {
            transcribe(record, stream, state, regions, end);
        }
        publish(record, stream, state, state.agreement.flush(seconds(end)));
    }

    /**
     * Ends the utterance where the speaker has paused for {@code speech.live-sentence-pause-ms} after a sentence: the
     * newest transcription heard into the pause, and its last word ends with a full stop or a question mark (not
     * '!', which tiny.en gives a fragment such as jfk's "Ask not!"). A buffer then holds about a sentence, not all
     * that is said between longer pauses, which many streams transcribe again at every step for up to 30 s. A pause
     * inside a sentence still waits for {@code speech.live-pause-ms}, since the next buffer begins without the
     * sentence's start (live jfk.wav with a 0.5 s pause for both heard "ask not ... what your country" as "ask not
     * ... Like your country"). Off by default: Whisper also ends a fragment before a short pause with a full stop,
     * and one stream's WER rose from 25.0% to 26.4% (500 ms) and 28.5% (300 ms) on the live benchmark, where eight
     * streams' final p95 fell from 5.88 to 5.04 and 4.19 s (README, under Live audio).
     *
     * <p>The cut is where the newest transcription's audio ended (or, if that is sooner, the VAD's padding after the
     * pause's start, transcribed to once more), not earlier in the pause: the flushed words' times are spread over
     * their segment, which runs to that end, and a word ending past the cut would be the next buffer's forced start
     * (a cut in the middle of the pause: one stream's WER 28.5% -> 31.8%).
     */
    private void endSentence(Record<String, byte[]> record, String stream, LiveStreamState state,
                             SpeechRegions regions, long end) {
        long silent = regions.silentSince();
        LocalAgreement agreement = state.agreement;
        long heard = frame(agreement.heardUntil());
        if (silent < 0 || end * HOP - silent < sentencePause || heard * HOP < silent
                || heard <= frame(agreement.bufferStart()) || !endsSentence(agreement)) {
            return;
        }
        long padded = -Math.floorDiv(-(silent + speechPad), HOP);
        endUtterance(record, stream, state, regions, Math.min(end, Math.max(heard, padded)));
    }

    /** Whether the newest transcription's last word ends a sentence. */
    private static boolean endsSentence(LocalAgreement agreement) {
        List<TimedWord> words = agreement.pending();
        if (words.isEmpty()) {
            words = agreement.confirmedInBuffer();
        }
        return !words.isEmpty() && SENTENCE_END.matcher(words.get(words.size() - 1).text()).find();
    }

    private void skipSilence(LiveStreamState state, SpeechRegions regions, long end) {
        if (!state.agreement.pending().isEmpty()) {
            return;
        }
        long start = frame(state.agreement.bufferStart());
        long speech = Math.min(regions.nextSpeech(start * HOP) / HOP, end);
        if (speech > start) {
            state.agreement.flush(seconds(speech));
        }
    }

    /**
     * How much new audio makes the buffer due for another transcription: the step, or, where the stage has fallen
     * behind real time, as much audio as it is behind, so that it catches up by transcribing less often instead of
     * lagging further (whisper_streaming's loop likewise takes all the audio that came while it worked).
     *
     * @param arrived when the audio reached Kafka (the chunk's timestamp, which the features keep)
     */
    private long dueFrames(String stream, long arrived) {
        long now = System.currentTimeMillis();
        double lag = Math.max(0, (now - arrived) / 1000.0);
        LAG.record(lag);
        if (lag > Math.max(LAG_WARNING_SECONDS, 2 * seconds(stepFrames)) && now - lastLagWarning >= LAG_WARNING_INTERVAL_MS) {
            lastLagWarning = now;
            LOG.warn("the live speech stage is {} s behind real time (stream {}): it transcribes each buffer after {} s "
                    + "of new audio instead of {} s; more CPU, more instances or fewer streams each would catch up",
                    String.format("%.1f", lag), stream, String.format("%.1f", lag),
                    String.format("%.1f", seconds(stepFrames)));
        }
        return Math.max(stepFrames, Math.round(lag * SpeechEngine.FRAMES_PER_SECOND));
    }

    private boolean holdsSpeech(LiveStreamState state, SpeechRegions regions, long end) {
        return regions.knownSpeech(frame(state.agreement.bufferStart()) * HOP) < end * HOP;
    }

    /** One step of the commit policy: the buffer up to {@code end} transcribed as one window. */
    private void transcribe(Record<String, byte[]> record, String stream, LiveStreamState state, SpeechRegions regions,
                            long end) {
        LocalAgreement agreement = state.agreement;
        publish(record, stream, state, agreement.makeRoom(seconds(end)));
        long start = Math.max(frame(agreement.bufferStart()), end - SpeechEngine.WINDOW_FRAMES);
        if (start >= end) {
            return;
        }
        float[][] window = frames.window(stream, start, SpeechEngine.WINDOW_FRAMES);
        double offset = seconds(start);
        long began = System.nanoTime();
        WhisperTranscriber.WindowTranscript transcript = engine.transcribeLive(window, (int) (end - start),
                agreement.prompt(), prefix ? confirmedPrefix(agreement, offset) : ForcedPrefix.NONE,
                state.languageFixed ? state.language : null);
        if (!state.languageFixed) {
            state.language = transcript.language();
            state.languageProbability = transcript.detection() == null ? null : transcript.detection().probability();
        }
        boolean repetitive = engine.repetitive(transcript);
        LOG.debug("{}: {}-{} s transcribed in {} ms{}", stream, seconds(start), seconds(end),
                (System.nanoTime() - began) / 1_000_000, repetitive ? ", repeating itself: left out" : "");
        state.transcribedFrame = end;
        if (repetitive) {
            // Whisper looping over a stretch it cannot make out: the hypothesis before this one stands, as neither
            // the partial nor what the max delay or an utterance's end confirms should be a loop.
            return;
        }
        List<TimedWord> words = new ArrayList<>();
        List<Double> segmentEnds = new ArrayList<>();
        for (WhisperTranscriber.Segment segment : transcript.segments()) {
            double segmentStart = offset + segment.start();
            double segmentEnd = offset + segment.end();
            if (!RegionStore.heard(regions, segmentStart, segmentEnd)) {
                continue;
            }
            int first = words.size();
            if (segment.words() == null) {
                words.addAll(SegmentWords.split(segmentStart, segmentEnd, engine.text(segment.tokens())));
            } else {
                for (WordTimestamps.Word word : segment.words()) {
                    words.add(new TimedWord(offset + word.start(), offset + Math.max(word.start(), word.end()),
                            word.text(), word.probability()));
                }
            }
            if (words.size() > first && first > 0) {
                // The segment before ended at the word before; the last segment's end is never marked: Whisper may
                // have ended it only because the audio ran out.
                words.set(first - 1, words.get(first - 1).endingSegment());
            }
            segmentEnds.add(segmentEnd);
        }
        state.avgLogprob = transcript.avgLogprob();
        publish(record, stream, state, agreement.insert(words, seconds(end)));
        agreement.trim(seconds(end), segmentEnds);
    }

    /**
     * The buffer's confirmed words as the start of its next transcript, in Whisper's segments, in the time of the
     * window that begins at {@code offset}. The transcript then holds them as before, so the commit policy finds
     * them in it as it found them when they were decoded again.
     */
    private static ForcedPrefix confirmedPrefix(LocalAgreement agreement, double offset) {
        List<List<TimedWord>> confirmed = SegmentWords.segments(agreement.confirmedInBuffer());
        List<ForcedPrefix.Segment> segments = new ArrayList<>();
        for (int i = 0; i < confirmed.size(); i++) {
            List<TimedWord> words = confirmed.get(i);
            String text = Commit.text(words);
            if (i == confirmed.size() - 1) {
                // The last segment is left open, and the punctuation after its last word is the decoder's to choose
                // again with the audio after it: forced, a '!' that two transcriptions of too little audio agreed on
                // ends the sentence where the speaker only paused (jfk live: "Ask not! Watch your country").
                text = TRAILING_PUNCTUATION.matcher(text).replaceFirst("");
            }
            if (!text.isBlank()) {
                segments.add(new ForcedPrefix.Segment(words.get(0).start() - offset,
                        words.get(words.size() - 1).end() - offset, text));
            }
        }
        return new ForcedPrefix(segments);
    }

    /** The commit's confirmed words as one final segment, and its pending words as a partial if they changed. */
    private void publish(Record<String, byte[]> record, String stream, LiveStreamState state, Commit commit) {
        List<TimedWord> committed = commit.committed();
        if (!committed.isEmpty()) {
            String text = commit.committedText();
            TranscriptSegment segment = TranscriptSegment.of(stream, state.segments++, committed.get(0).start(),
                    committed.get(committed.size() - 1).end(), text, Arrays.stream(engine.tokens(text)).boxed().toList(),
                    state.avgLogprob, engine.modelName(), state.language, state.languageProbability);
            if (wordTimestamps && committed.stream().allMatch(TimedWord::aligned)) {
                segment = segment.withWords(committed.stream().map(word -> TranscriptWord.rounded(word.text(),
                        word.start(), word.end(), word.probability())).toList());
            }
            state.languageFixed = true;
            forward(record, stream, JsonRecords.write(segment));
        }
        if (commit.revision() != state.partialRevision) {
            List<TimedWord> pending = commit.pending();
            double start = pending.isEmpty() ? state.agreement.committedEnd() : pending.get(0).start();
            double end = pending.isEmpty() ? start : pending.get(pending.size() - 1).end();
            forward(record, stream, JsonRecords.write(
                    TranscriptPartial.of(stream, commit.revision(), start, end, commit.pendingText())));
            state.partialRevision = commit.revision();
        }
    }

    private static long frame(double seconds) {
        return (long) Math.floor(seconds * SpeechEngine.FRAMES_PER_SECOND + FRAME_EPSILON);
    }

    private static double seconds(long frame) {
        return (double) frame / SpeechEngine.FRAMES_PER_SECOND;
    }
}
