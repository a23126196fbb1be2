package io.sensorium.processors.speech.live;

import java.util.List;

/**
 * What one step of the commit policy tells the stream's listeners.
 *
 * @param committed words confirmed by this step, in order, in stream time: each is emitted once as {@code final}
 *                  and never revised
 * @param pending   the unconfirmed tail after this step, the stream's {@code partial}; it may still change
 * @param revision  numbers the distinct pending tails of the stream, so a client redraws its caption line when
 *                  the number grows and ignores a partial older than the one it shows
 */
public record Commit(List<TimedWord> committed, List<TimedWord> pending, long revision) {
    public Commit {
        committed = List.copyOf(committed);
        pending = List.copyOf(pending);
    }

    public String committedText() {
        return text(committed);
    }

    public String pendingText() {
        return text(pending);
    }

    /** The words as one text: each keeps its leading space, as Whisper writes it. */
    public static String text(List<TimedWord> words) {
        StringBuilder text = new StringBuilder();
        for (TimedWord word : words) {
            text.append(word.text());
        }
        return text.toString();
    }
}
