package io.sensorium.processors.speech.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * A long stream of known words, and a stand-in for Whisper that transcribes any stretch of it the way re-transcribing
 * a live buffer goes: the settled part right, with word times that wander by up to {@link #JITTER}; within the last
 * second before the buffer's end, words misheard (differently each time) or missing from there on.
 */
final class SyntheticStream {
    static final double JITTER = 0.04;
    /** How long a pause must last before the stand-in VAD ends the utterance. */
    static final double PAUSE = 1.0;
    private static final double LIVE_EDGE = 1.0;

    /** A spoken word, and whether a Whisper segment ends with it. */
    record Spoken(TimedWord word, boolean endsSegment) {}

    /** What the commit policy confirmed over the whole stream, and each step's outcome for comparing runs. */
    record Run(List<TimedWord> finals, List<String> trace) {}

    final List<Spoken> words = new ArrayList<>();
    final double length;

    /**
     * Utterances of 1 to 45 s (some longer than Whisper's window) between pauses of 2.2 to 4 s; words of 0.25 to
     * 0.6 s, 0.02 to 0.3 s apart, each with a text of its own so that any repeat or loss shows.
     */
    SyntheticStream(long seed, double seconds) {
        Random random = new Random(seed);
        double t = 0.5;
        int index = 0;
        while (t < seconds - 5) {
            double utteranceEnd = Math.min(seconds - 3, t + 1 + random.nextDouble() * 44);
            int segmentLeft = 6 + random.nextInt(7);
            while (t < utteranceEnd) {
                double end = t + 0.25 + random.nextDouble() * 0.35;
                boolean endsSegment = --segmentLeft == 0 || end >= utteranceEnd;
                if (segmentLeft == 0) {
                    segmentLeft = 6 + random.nextInt(7);
                }
                words.add(new Spoken(new TimedWord(t, end, " w" + index++), endsSegment));
                t = end + 0.02 + random.nextDouble() * 0.28;
            }
            t += 2.2 + random.nextDouble() * 1.8;
        }
        length = seconds;
    }

    List<TimedWord> truth() {
        return words.stream().map(Spoken::word).toList();
    }

    /** Whether the speaker has been silent for {@link #PAUSE} at {@code time}. */
    boolean paused(double time) {
        for (Spoken spoken : words) {
            if (spoken.word().start() < time && spoken.word().end() > time - PAUSE) {
                return false;
            }
        }
        return true;
    }

    /**
     * Steps through the stream a second at a time as the speech stage would, starting from {@code state}; {@code
     * between} may replace the state between steps (a restart). Transcription noise comes from {@code seed}.
     */
    Run run(LocalAgreement state, long seed, UnaryOperator<LocalAgreement> between) {
        Random noise = new Random(seed);
        List<TimedWord> finals = new ArrayList<>();
        List<String> trace = new ArrayList<>();
        for (int second = 1; second <= Math.ceil(length); second++) {
            double end = Math.min(second, length);
            record(state.makeRoom(end), finals, trace);
            if (end - state.bufferStart() > 30 + 1e-9) {
                throw new AssertionError("the buffer holds " + (end - state.bufferStart()) + " s at " + end);
            }
            String prompt = state.prompt();
            List<Double> segmentEnds = new ArrayList<>();
            record(state.insert(transcribe(state.bufferStart(), end, noise, segmentEnds), end), finals, trace);
            trace.add("prompt " + prompt + " trimmed to " + state.trim(end, segmentEnds));
            // The utterance's last transcription, made after the pause began, is the one the flush confirms.
            if (paused(end)) {
                record(state.flush(end), finals, trace);
            }
            state = between.apply(state);
        }
        record(state.flush(length), finals, trace);
        return new Run(finals, trace);
    }

    private static void record(Commit commit, List<TimedWord> finals, List<String> trace) {
        finals.addAll(commit.committed());
        trace.add(commit.toString());
    }

    /** The stand-in's transcription of {@code [from, to)}; its segments' ends go to {@code segmentEnds}. */
    private List<TimedWord> transcribe(double from, double to, Random noise, List<Double> segmentEnds) {
        List<TimedWord> hypothesis = new ArrayList<>();
        boolean lastEndsSegment = false;
        for (Spoken spoken : words) {
            TimedWord word = spoken.word();
            if (word.start() < from || word.start() >= to) {
                continue;
            }
            double shift = (noise.nextDouble() * 2 - 1) * JITTER;
            double start = Math.max(from, word.start() + shift);
            double end = Math.min(to, word.end() + shift);
            String text = word.text();
            if (word.end() > to - LIVE_EDGE) {
                if (noise.nextDouble() < 0.2) {
                    break;
                }
                if (noise.nextBoolean()) {
                    text = text + "~" + to;
                }
            }
            hypothesis.add(new TimedWord(start, Math.max(start, end), text));
            lastEndsSegment = spoken.endsSegment();
            if (lastEndsSegment) {
                segmentEnds.add(Math.max(start, end));
            }
        }
        // Whisper's last segment ends with its last word, whether or not the speaker's sentence does.
        if (!hypothesis.isEmpty() && !lastEndsSegment) {
            segmentEnds.add(hypothesis.get(hypothesis.size() - 1).end());
        }
        return hypothesis;
    }
}
