package io.sensorium.ingest.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;

class PacingWindowTest {
    private static final long MAX_LAG_MS = 2000;
    /** A camera at 10 frames/s. */
    private static final long FRAME_MS = 100;
    /** Two stages' commit intervals: the most they hold a frame and its answer. */
    private static final long HOLD_MS = 200;

    @Test
    void aStageThatKeepsUpGetsEveryFrameOnceTheWindowHasGrown() {
        PacingWindow window = new PacingWindow(MAX_LAG_MS, HOLD_MS);
        // The stage looks for the camera's frames every 100 ms and answers 200 ms later: 2 to 3 frames on their way.
        Simulation run = simulate(window, 0, 200, new Stage(100, 200));
        assertThat(run.published()).as("of 200 frames, all but the first few while the window grows").isGreaterThan(190);
        assertThat(run.answered()).as("every published frame taken").isEqualTo(run.published());
        assertThat(window.window()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aStageSharedByManyCamerasGetsAboutOneFrameEachTimeItLooks() {
        PacingWindow window = new PacingWindow(MAX_LAG_MS, HOLD_MS);
        Simulation alone = simulate(window, 0, 100, new Stage(100, 100));
        assertThat(window.window()).isGreaterThan(4);
        // Now 16 cameras share the stage: it comes back to this one every 1.6 s, taking the newest of its frames.
        Stage shared = new Stage(1600, 200);
        Simulation shrinking = simulate(window, alone.end(), 100, shared);
        assertThat(window.window()).as("frames on their way at once").isLessThanOrEqualTo(2);
        Simulation run = simulate(window, shrinking.end(), 300, shared);
        assertThat(run.answered()).as("one frame each time the stage looks (30 s / 1.6 s, and its last look)").isBetween(17, 20);
        assertThat(run.published()).as("frames published only to be skipped: at most one per answer")
                .isLessThanOrEqualTo(2 * run.answered());
        assertThat(window.lost()).as("no frame waits past the stage's lag limit").isZero();
    }

    @Test
    void anAnswerThatWaitedInAQueueHalvesTheWindowButOneHeldByTheStagesCommitsDoesNot() {
        PacingWindow window = new PacingWindow(MAX_LAG_MS, HOLD_MS);
        long fastest = 30;
        long now = answerEachFrame(window, 20, fastest);
        int before = window.window();
        assertThat(before).isGreaterThan(2);
        // Published just after each stage's commit, the frame and then its answer waited out both commit intervals.
        assertThat(window.admit(now)).isTrue();
        window.answered(now, now + PacingWindow.QUEUEING * fastest + HOLD_MS);
        assertThat(window.window()).as("jitter and the stages' holds").isGreaterThanOrEqualTo(before);
        now += FRAME_MS;
        assertThat(window.admit(now)).isTrue();
        window.answered(now, now + PacingWindow.QUEUEING * fastest + HOLD_MS + FRAME_MS);
        assertThat(window.window()).as("queued").isEqualTo(before / 2);
    }

    @Test
    void framesNobodyAnswersStopCountingAfterTheLagLimit() {
        PacingWindow window = new PacingWindow(MAX_LAG_MS, HOLD_MS);
        assertThat(window.admit(0)).isTrue();
        assertThat(window.admit(FRAME_MS)).as("a window of one, unanswered").isFalse();
        assertThat(window.admit(MAX_LAG_MS)).isFalse();
        assertThat(window.admit(MAX_LAG_MS + FRAME_MS)).as("the first frame counted lost").isTrue();
        assertThat(window.lost()).isOne();
        // A late answer to the lost frame changes nothing; the answer to the one on its way frees its place.
        window.answered(0, MAX_LAG_MS + 2 * FRAME_MS);
        assertThat(window.onTheirWay()).isOne();
        window.answered(MAX_LAG_MS + FRAME_MS, MAX_LAG_MS + 3 * FRAME_MS);
        assertThat(window.onTheirWay()).isZero();
    }

    @Test
    void anAnswerAnswersTheFramesPublishedBeforeIt() {
        PacingWindow window = new PacingWindow(MAX_LAG_MS, HOLD_MS);
        long now = answerEachFrame(window, 10, 10);
        int before = window.window();
        assertThat(before).isGreaterThan(2);
        for (int i = 0; i < before; i++, now += FRAME_MS) {
            assertThat(window.admit(now)).isTrue();
        }
        assertThat(window.admit(now)).as("the window is full").isFalse();
        // The stage skipped the older frames and answered only the newest: all of them are answered.
        window.answered(now - FRAME_MS, now + 10);
        assertThat(window.onTheirWay()).isZero();
    }

    /** A stage that answers each of {@code frames} frames {@code answerMs} after it; returns the next frame's time. */
    private static long answerEachFrame(PacingWindow window, int frames, long answerMs) {
        long now = 0;
        for (int i = 0; i < frames; i++, now += FRAME_MS) {
            assertThat(window.admit(now)).isTrue();
            window.answered(now, now + answerMs);
        }
        return now;
    }

    /**
     * A stage under {@code vision.live-frames: latest}: every {@code everyMs} it takes the newest frame of the camera
     * published since it last looked, skips the older ones, and answers {@code answerMs} later.
     */
    private record Stage(long everyMs, long answerMs) {}

    /** @param end when the last answer is in */
    private record Simulation(int published, int answered, long end) {}

    /** {@code frames} frames read at 10 frames/s from {@code start}, published as the window admits them. */
    private static Simulation simulate(PacingWindow window, long start, int frames, Stage stage) {
        ArrayDeque<long[]> answers = new ArrayDeque<>();
        ArrayDeque<Long> waiting = new ArrayDeque<>();
        int published = 0;
        int answered = 0;
        long nextLook = start + stage.everyMs() / 2;
        long end = start + frames * FRAME_MS;
        long now = start;
        for (; now < end || !answers.isEmpty() || !waiting.isEmpty(); now += 10) {
            while (!answers.isEmpty() && answers.peekFirst()[1] <= now) {
                long[] answer = answers.pollFirst();
                window.answered(answer[0], answer[1]);
                answered++;
            }
            if (now < end && (now - start) % FRAME_MS == 0 && window.admit(now)) {
                published++;
                waiting.addLast(now);
            }
            if (now >= nextLook) {
                if (!waiting.isEmpty()) {
                    answers.addLast(new long[] {waiting.peekLast(), now + stage.answerMs()});
                    waiting.clear();
                }
                nextLook += stage.everyMs();
            }
        }
        return new Simulation(published, answered, now);
    }
}
