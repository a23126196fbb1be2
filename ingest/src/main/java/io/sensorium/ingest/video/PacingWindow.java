package io.sensorium.ingest.video;

import java.util.ArrayDeque;

/**
 * How many of one live camera's frames may be on their way to the vision stage at once, learnt from the stage's
 * answers (TCP's additive increase, multiplicative decrease). The window halves, at most once per answer time and
 * down to one frame, when an answer says the window is larger than the stage takes:
 * <ul>
 *   <li>older frames of the camera are still unanswered: the stage found several and took only the newest
 *       ({@code vision.live-frames: latest}), so the older ones were encoded and carried for nothing;
 *   <li>the answer took longer than {@value #QUEUEING} times the fastest one (TCP Vegas's idea) plus what the
 *       stages on the way may hold it for: the frame waited in a queue, behind other cameras' frames or a slow
 *       model, and came out old. A stage holds a record from not at all to its whole commit interval, by when it
 *       came: one camera and a fast model (the ViT fixture) had its answers in 30 ms at the fastest, 111 ms at the
 *       median and 238 ms at the 99th percentile, with no queue;
 *   <li>a frame went unanswered for the stage's {@code vision.live-max-lag-seconds}: it was skipped there for its lag
 *       (or no stage runs), and stops counting.
 * </ul>
 * Any other answer grows the window by about one frame per answered window.
 *
 * <p>Not thread-safe: {@link LivePacing} guards each camera's window.
 */
final class PacingWindow {
    /** Enough for one camera alone at 30 frames/s with half a second on the way. */
    static final int MAX_FRAMES = 16;
    /**
     * How many times the fastest answer an answer may take, besides the stages' holds, before it counts as queued: a
     * stage that keeps up answers within about twice its fastest (its batch wait, a garbage collection).
     */
    static final int QUEUEING = 2;

    private final long maxLagMs;
    private final long holdMs;
    /** When each frame on its way was published (its record timestamp), oldest first. */
    private final ArrayDeque<Long> unanswered = new ArrayDeque<>();
    private double window = 1;
    private long fastestAnswerMs = Long.MAX_VALUE;
    private long lastHalvedMs = Long.MIN_VALUE / 2;
    private long lost;

    /** @param holdMs how long the stages on the way may hold a frame or its answer, at most */
    PacingWindow(long maxLagMs, long holdMs) {
        this.maxLagMs = maxLagMs;
        this.holdMs = holdMs;
    }

    /** @return whether a frame read at {@code nowMs} goes out (it is then on its way, published at {@code nowMs}) */
    boolean admit(long nowMs) {
        boolean halve = false;
        while (!unanswered.isEmpty() && nowMs - unanswered.peekFirst() > maxLagMs) {
            unanswered.pollFirst();
            lost++;
            halve = true;
        }
        if (halve) {
            halve(nowMs, maxLagMs);
        }
        if (unanswered.size() >= (int) window) {
            return false;
        }
        unanswered.addLast(nowMs);
        return true;
    }

    /** The stage answered the frame published at {@code publishedMs} (and so all before it) at {@code nowMs}. */
    void answered(long publishedMs, long nowMs) {
        if (unanswered.isEmpty() || unanswered.peekFirst() > publishedMs) {
            return; // an answer to a frame already counted lost, or answered again after a restart of the stage
        }
        int skipped = -1;
        while (!unanswered.isEmpty() && unanswered.peekFirst() <= publishedMs) {
            unanswered.pollFirst();
            skipped++;
        }
        long answerMs = Math.max(1, nowMs - publishedMs);
        fastestAnswerMs = Math.min(fastestAnswerMs, answerMs);
        if (skipped > 0 || answerMs > QUEUEING * fastestAnswerMs + holdMs) {
            halve(nowMs, answerMs);
        } else {
            window = Math.min(MAX_FRAMES, window + 1 / window);
        }
    }

    /** Frames the stage has not answered within {@code vision.live-max-lag-seconds}. */
    long lost() {
        return lost;
    }

    /** Frames on their way now. */
    int onTheirWay() {
        return unanswered.size();
    }

    int window() {
        return (int) window;
    }

    private void halve(long nowMs, long sinceMs) {
        if (nowMs - lastHalvedMs >= sinceMs) {
            window = Math.max(1, window / 2);
            lastHalvedMs = nowMs;
        }
    }
}
