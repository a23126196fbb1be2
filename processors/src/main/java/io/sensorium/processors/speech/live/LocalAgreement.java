package io.sensorium.processors.speech.live;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The commit policy of one live stream: whisper_streaming's LocalAgreement-n (its HypothesisBuffer and the buffer
 * handling of its OnlineASRProcessor). The stream's audio buffer, {@link #bufferStart()} to the newest audio, is
 * transcribed again every step; a word is confirmed once the last {@code depth} hypotheses agree on it and on
 * everything before it, once {@code maxDelay} seconds of audio have followed it (as the newest hypothesis has it),
 * or when the utterance ends ({@link #flush}). Confirmed words come out once, in order, in stream time that never
 * goes back.
 *
 * <p>One step, with {@code end} the stream time the buffered audio reaches:
 * <ol>
 *   <li>{@link #makeRoom(double) makeRoom(end)}, which moves the buffer's start so that it holds at most
 *       {@code maxBuffer} seconds, confirming the words that would be cut;</li>
 *   <li>transcribe the audio from {@link #bufferStart()} to {@code end}, with {@link #prompt()} as the previous
 *       text;</li>
 *   <li>{@link #insert(List, double) insert} its words (stream time: {@link TimedWord#shifted} by the buffer's
 *       start);</li>
 *   <li>{@link #trim(double, List) trim(end, segment ends)}, then drop the audio before {@link #bufferStart()}.</li>
 * </ol>
 * At a pause the VAD calls the end of an utterance, and at the stream's end, {@link #flush(double)} confirms what is
 * pending: the flush takes the newest hypothesis as it stands, so it should be one that heard the speaker stop
 * ({@link #heardUntil()}), made by a last step where none did. Deterministic, and {@link #snapshot()} holds all of it, so a restarted task
 * resumes exactly.
 */
public final class LocalAgreement {
    /**
     * 4: whether each word ends a segment; 3 (each word's probability, NaN where its times are an estimate) is read
     * with no segment ends, 2 with NaN for all probabilities too.
     */
    private static final int VERSION = 4;
    private static final int WITHOUT_SEGMENT_ENDS = 3;
    private static final int WITHOUT_PROBABILITIES = 2;
    /**
     * Whisper's word times wander by tens of milliseconds between transcriptions of the same audio: a word that
     * starts this much before the confirmed end is still taken as new (whisper_streaming's 0.1 s).
     */
    static final double TOLERANCE = 0.1;

    /**
     * @param depth       how many consecutive hypotheses must agree on a word (LocalAgreement-n); 2 as in
     *                    whisper_streaming, 1 confirms every hypothesis as it comes
     * @param trimAfter   once the buffer is longer than this, it is trimmed at a confirmed segment's end
     *                    (whisper_streaming's buffer_trimming_sec, 15 s)
     * @param maxBuffer   the buffer never holds more than this: Whisper's 30 s window
     * @param promptChars how much confirmed text, at most, prompts the decoder (whisper_streaming's 200)
     * @param maxDelay    a pending word is confirmed as the newest hypothesis has it once this much audio has come
     *                    after it, agreed or not: Whisper can waver over a hard passage for many steps in a row, and
     *                    with this much audio after a word it has all the context it will get
     */
    public record Options(int depth, double trimAfter, double maxBuffer, int promptChars, double maxDelay) {
        /** whisper_streaming's: agreement alone confirms. */
        public static final Options DEFAULT = new Options(2, 15, 30, 200, Double.POSITIVE_INFINITY);

        public Options {
            if (depth < 1) {
                throw new IllegalArgumentException("agreement depth must be at least 1, not " + depth);
            }
            if (!(maxBuffer > 0) || !(trimAfter > 0) || trimAfter > maxBuffer) {
                throw new IllegalArgumentException("trim-after " + trimAfter + " s must be positive and at most the "
                        + "buffer's maximum " + maxBuffer + " s");
            }
            if (promptChars < 0) {
                throw new IllegalArgumentException("prompt length must not be negative: " + promptChars);
            }
            if (!(maxDelay > 0)) {
                throw new IllegalArgumentException("the longest delay of a pending word must be more than 0 s, not "
                        + maxDelay);
            }
        }
    }

    private final Options options;

    private double bufferStart;
    /** End of the last confirmed word: later hypotheses are read from here on. */
    private double committedEnd;
    private long revision;
    /** Where the audio of the newest hypothesis ended; at the buffer's start when a flush left none. */
    private double heardUntil;
    /**
     * Confirmed words still in the buffer, which a hypothesis may transcribe again, after those that left it,
     * kept as far back as the prompt reaches.
     */
    private final List<TimedWord> committed = new ArrayList<>();
    /** The last {@code depth - 1} hypotheses, oldest first, each without what has been confirmed since. */
    private final List<List<TimedWord>> hypotheses = new ArrayList<>();

    public LocalAgreement(Options options) {
        this.options = options;
    }

    /** Where the audio buffer begins, in stream time: the audio before it is no longer needed. */
    public double bufferStart() {
        return bufferStart;
    }

    /** Where the confirmed words end, in stream time. */
    public double committedEnd() {
        return committedEnd;
    }

    /**
     * How far the newest hypothesis heard: the stream time the audio of the last {@link #insert} reached, or, where a
     * flush left no hypothesis, the buffer's start.
     */
    public double heardUntil() {
        return heardUntil;
    }

    /**
     * The confirmed words whose audio is still in the buffer, which the next transcription hears again: the start it
     * can be given instead of decoding them anew.
     */
    public List<TimedWord> confirmedInBuffer() {
        return List.copyOf(committed.subList(firstInBuffer(), committed.size()));
    }

    /** The unconfirmed words of the newest hypothesis. */
    public List<TimedWord> pending() {
        return hypotheses.isEmpty() ? List.of() : List.copyOf(newest());
    }

    /**
     * The decoder's previous text: the end of the confirmed text whose audio has left the buffer, whole words of at
     * most {@code promptChars} characters in all. Confirmed words still in the buffer are left out, since the
     * decoder transcribes their audio again.
     */
    public String prompt() {
        int end = firstInBuffer();
        int first = end;
        int length = 0;
        for (int i = end - 1; i >= 0; i--) {
            length += committed.get(i).text().length();
            if (length > options.promptChars()) {
                break;
            }
            first = i;
        }
        return Commit.text(committed.subList(first, end));
    }

    /**
     * Takes the newest transcription of the buffer and confirms what the last {@code depth} hypotheses agree on, and
     * the words after that which end {@code maxDelay} or more before {@code bufferEnd}.
     *
     * @param hypothesis its words in stream time, in order
     * @param bufferEnd  the stream time the transcribed audio reached
     */
    public Commit insert(List<TimedWord> hypothesis, double bufferEnd) {
        checkEnd(bufferEnd);
        String before = Commit.text(pending());
        hypotheses.add(fresh(hypothesis));
        heardUntil = bufferEnd;
        List<TimedWord> confirmed = new ArrayList<>(hypotheses.size() == options.depth() ? agreedPrefix() : List.of());
        for (List<TimedWord> words : hypotheses) {
            words.subList(0, confirmed.size()).clear();
        }
        if (hypotheses.size() == options.depth()) {
            hypotheses.remove(0);
        }
        List<TimedWord> newest = hypotheses.isEmpty() ? List.of() : newest();
        int overdue = 0;
        while (overdue < newest.size() && newest.get(overdue).end() <= bufferEnd - options.maxDelay()) {
            overdue++;
        }
        if (overdue > 0) {
            confirmed.addAll(newest.subList(0, overdue));
            // The older hypotheses need not contain the overdue words, so they no longer line up with the newest.
            List<TimedWord> rest = new ArrayList<>(newest.subList(overdue, newest.size()));
            hypotheses.clear();
            hypotheses.add(rest);
        }
        return step(confirmed, before);
    }

    /**
     * The words of a hypothesis that come after the confirmed ones. A hypothesis transcribes the whole buffer again,
     * the confirmed words still in it included, and where its word times are estimates (spread over each segment)
     * they wander by more than any tolerance as the buffer grows: so the confirmed words in the buffer are found by
     * aligning texts, as the prefix of the hypothesis nearest to them in word edit distance. Of prefixes as near,
     * one that ends on the last confirmed word (which would otherwise come out twice), then the one whose next word
     * begins nearest the confirmed end, then the shortest. With none in the buffer, times decide, as in
     * whisper_streaming.
     */
    private List<TimedWord> fresh(List<TimedWord> hypothesis) {
        List<TimedWord> inBuffer = committed.subList(firstInBuffer(), committed.size());
        if (inBuffer.isEmpty()) {
            List<TimedWord> fresh = new ArrayList<>();
            for (TimedWord word : hypothesis) {
                if (word.start() > committedEnd - TOLERANCE) {
                    fresh.add(word);
                }
            }
            return fresh;
        }
        int[] distances = prefixDistances(inBuffer, hypothesis);
        String lastConfirmed = inBuffer.get(inBuffer.size() - 1).key();
        Comparator<Integer> nearest = Comparator.<Integer>comparingInt(j -> distances[j])
                .thenComparing(j -> j == 0 || !hypothesis.get(j - 1).key().equals(lastConfirmed))
                .thenComparingDouble(j -> Math.abs(seam(hypothesis, j) - committedEnd));
        int best = 0;
        for (int j = 1; j < distances.length; j++) {
            if (nearest.compare(j, best) < 0) {
                best = j;
            }
        }
        return new ArrayList<>(hypothesis.subList(best, hypothesis.size()));
    }

    /** Where the words after the first {@code j} of a hypothesis begin: its end, where there are none. */
    private static double seam(List<TimedWord> hypothesis, int j) {
        return j < hypothesis.size() ? hypothesis.get(j).start() : hypothesis.get(j - 1).end();
    }

    /** For each {@code j}, the word edit distance between {@code confirmed} and the first {@code j} words of {@code hypothesis}. */
    private static int[] prefixDistances(List<TimedWord> confirmed, List<TimedWord> hypothesis) {
        int[] row = new int[hypothesis.size() + 1];
        for (int j = 0; j < row.length; j++) {
            row[j] = j;
        }
        for (int i = 1; i <= confirmed.size(); i++) {
            int diagonal = row[0];
            row[0] = i;
            String key = confirmed.get(i - 1).key();
            for (int j = 1; j < row.length; j++) {
                int above = row[j];
                int substitution = diagonal + (key.equals(hypothesis.get(j - 1).key()) ? 0 : 1);
                row[j] = Math.min(substitution, Math.min(above, row[j - 1]) + 1);
                diagonal = above;
            }
        }
        return row;
    }

    /** The longest prefix, by exact text, of all kept hypotheses: times are the newest's. */
    private List<TimedWord> agreedPrefix() {
        List<TimedWord> newest = newest();
        int length = 0;
        while (length < newest.size() && allHave(length, newest.get(length).text())) {
            length++;
        }
        return List.copyOf(newest.subList(0, length));
    }

    private boolean allHave(int index, String text) {
        for (List<TimedWord> words : hypotheses) {
            if (index >= words.size() || !words.get(index).text().equals(text)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Confirms the pending words that begin before {@code bufferEnd - maxBuffer}, which the window could not hold,
     * and moves the buffer's start so that the audio up to {@code bufferEnd} fits Whisper's window. The cut never
     * falls inside a word still pending. Call it before each transcription.
     *
     * @param bufferEnd the stream time the audio to transcribe next reaches
     */
    public Commit makeRoom(double bufferEnd) {
        checkEnd(bufferEnd);
        double cut = bufferEnd - options.maxBuffer();
        List<TimedWord> pending = pending();
        String before = Commit.text(pending);
        if (cut <= bufferStart) {
            return step(List.of(), before);
        }
        int forced = 0;
        while (forced < pending.size() && pending.get(forced).start() < cut) {
            forced++;
        }
        List<TimedWord> confirmed = pending.subList(0, forced);
        // The older hypotheses need not contain what was forced, so they no longer line up with the newest one.
        hypotheses.clear();
        hypotheses.add(new ArrayList<>(pending.subList(forced, pending.size())));
        double start = cut;
        if (forced > 0) {
            double after = forced < pending.size() ? pending.get(forced).start() : bufferEnd;
            start = Math.max(cut, Math.min(pending.get(forced - 1).end(), after));
        }
        Commit commit = step(confirmed, before);
        bufferStart = Math.max(bufferStart, start);
        forgetPrompted();
        return commit;
    }

    /**
     * Trims the buffer at the end of a segment of the last transcription that is wholly confirmed, once the buffer
     * is longer than {@code trimAfter} (whisper_streaming's segment trimming); never past the start of a word still
     * pending. Not at word ends, even where their times are the model's own: a buffer cut inside a sentence cost 4
     * points of WER on the live benchmark (src/bench/live-latency.sh, one stream, 2026-12-02).
     *
     * @param bufferEnd   the stream time the transcribed audio reached
     * @param segmentEnds the ends of the transcription's segments, in stream time, in order
     * @return the buffer's new start
     */
    public double trim(double bufferEnd, List<Double> segmentEnds) {
        checkEnd(bufferEnd);
        if (bufferEnd - bufferStart <= options.trimAfter() || committed.isEmpty()) {
            return bufferStart;
        }
        double limit = committedEnd;
        for (List<TimedWord> words : hypotheses) {
            if (!words.isEmpty()) {
                limit = Math.min(limit, words.get(0).start());
            }
        }
        // Not at the last segment's end: Whisper may have ended that segment early because the audio ran out.
        for (int i = segmentEnds.size() - 2; i >= 0; i--) {
            double end = segmentEnds.get(i);
            if (end <= limit) {
                bufferStart = Math.max(bufferStart, end);
                break;
            }
        }
        forgetPrompted();
        return bufferStart;
    }

    /**
     * The utterance or the stream ended: confirms every pending word of the newest hypothesis and clears the buffer,
     * which begins again at {@code bufferEnd}. With nothing pending it only moves the buffer's start, as over silence.
     */
    public Commit flush(double bufferEnd) {
        checkEnd(bufferEnd);
        List<TimedWord> pending = pending();
        hypotheses.clear();
        Commit commit = step(pending, Commit.text(pending));
        bufferStart = bufferEnd;
        heardUntil = bufferEnd;
        forgetPrompted();
        return commit;
    }

    private void checkEnd(double bufferEnd) {
        if (!(bufferEnd >= bufferStart)) {
            throw new IllegalArgumentException("the buffer ends at " + bufferEnd + " s, before its start at "
                    + bufferStart + " s");
        }
    }

    /**
     * Records {@code confirmed} and counts a new revision when the pending text is no longer {@code pendingBefore}.
     * Times are clamped so that confirmed words never overlap or go back, which the tolerance would otherwise let
     * through.
     */
    private Commit step(List<TimedWord> confirmed, String pendingBefore) {
        List<TimedWord> out = new ArrayList<>(confirmed.size());
        for (TimedWord word : confirmed) {
            double start = Math.max(word.start(), committedEnd);
            TimedWord clamped = new TimedWord(start, Math.max(word.end(), start), word.text(), word.probability(),
                    word.endsSegment());
            committedEnd = clamped.end();
            committed.add(clamped);
            out.add(clamped);
        }
        List<TimedWord> pending = pending();
        if (!Commit.text(pending).equals(pendingBefore)) {
            revision++;
        }
        return new Commit(out, pending, revision);
    }

    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeDouble(bufferStart);
            out.writeDouble(committedEnd);
            out.writeDouble(heardUntil);
            out.writeLong(revision);
            writeWords(out, committed);
            out.writeInt(hypotheses.size());
            for (List<TimedWord> words : hypotheses) {
                writeWords(out, words);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The state {@link #snapshot()} saved, under {@code options}: where the agreement depth is now smaller, only as
     * many of the newest hypotheses as it compares are kept.
     */
    public static LocalAgreement restore(Options options, byte[] snapshot) {
        LocalAgreement state = new LocalAgreement(options);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int version = in.readByte();
            if (version != VERSION && version != WITHOUT_SEGMENT_ENDS && version != WITHOUT_PROBABILITIES) {
                throw new IllegalStateException("live commit state of version " + version
                        + " is not readable by this build");
            }
            state.bufferStart = in.readDouble();
            state.committedEnd = in.readDouble();
            state.heardUntil = in.readDouble();
            state.revision = in.readLong();
            state.committed.addAll(readWords(in, version));
            for (int i = in.readInt(); i > 0; i--) {
                state.hypotheses.add(readWords(in, version));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt live commit state", e);
        }
        while (state.hypotheses.size() > options.depth() - 1) {
            state.hypotheses.remove(0);
        }
        return state;
    }

    private static void writeWords(DataOutputStream out, List<TimedWord> words) throws IOException {
        out.writeInt(words.size());
        for (TimedWord word : words) {
            out.writeDouble(word.start());
            out.writeDouble(word.end());
            out.writeUTF(word.text());
            out.writeDouble(word.probability());
            out.writeBoolean(word.endsSegment());
        }
    }

    private static List<TimedWord> readWords(DataInputStream in, int version) throws IOException {
        int count = in.readInt();
        List<TimedWord> words = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            words.add(new TimedWord(in.readDouble(), in.readDouble(), in.readUTF(),
                    version >= WITHOUT_SEGMENT_ENDS ? in.readDouble() : Double.NaN,
                    version >= VERSION && in.readBoolean()));
        }
        return words;
    }

    /** Index of the first confirmed word still in the buffer. */
    private int firstInBuffer() {
        int i = committed.size();
        while (i > 0 && committed.get(i - 1).end() > bufferStart) {
            i--;
        }
        return i;
    }

    /** Drops the confirmed words the prompt no longer reaches. */
    private void forgetPrompted() {
        int keep = firstInBuffer();
        int length = 0;
        while (keep > 0 && length + committed.get(keep - 1).text().length() <= options.promptChars()) {
            length += committed.get(--keep).text().length();
        }
        committed.subList(0, keep).clear();
    }

    private List<TimedWord> newest() {
        return hypotheses.get(hypotheses.size() - 1);
    }
}
