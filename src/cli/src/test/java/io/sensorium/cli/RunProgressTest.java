package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptSegment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run is done once its copy is through and every stream it began has ended on the output, each time it began. */
class RunProgressTest {
    private static TranscriptSegment segment(String stream, double end) {
        return TranscriptSegment.of(stream, 0, 0, end, " words", List.of(1), -0.1, "m", "en", null);
    }

    @Test
    void doneWhenTheCopyIsThroughAndEveryStreamHasEnded() {
        RunProgress progress = new RunProgress(ReprocessKind.SPEECH,
                List.of(new PartitionRange(0, 0, 10, 10), new PartitionRange(1, 5, 9, 9)), Map.of(0, 5.0, 1, 2.0));
        progress.copied(0, "a", true, 3.0);
        progress.copied(1, "b", true, 2.0);
        progress.output("a", segment("a", 2.5));
        progress.output("a", TranscriptEnd.of("a", 1, 3.0));
        progress.output("b", TranscriptEnd.of("b", 0, 2.0));
        assertThat(progress.done()).as("copy not through").isFalse();
        progress.read(0, 10, true);
        progress.read(1, 9, true);
        assertThat(progress.done()).isTrue();
        assertThat(progress.lines()).first().asString().contains("partition 0", "100%", "10/10 records", "3.0/3.0 audio s");

        // The same stream id begun again: done once that one has ended too.
        progress.copied(0, "a", true, 1.0);
        assertThat(progress.done()).isFalse();
        progress.output("a", TranscriptEnd.of("a", 0, 1.0));
        assertThat(progress.done()).isTrue();
        assertThat(progress.streams()).isEqualTo(2);
    }

    @Test
    void theWorkIsEstimatedUntilThePartitionIsRead() {
        RunProgress progress = new RunProgress(ReprocessKind.SPEECH, List.of(new PartitionRange(0, 0, 10, 12)), Map.of(0, 5.0));
        progress.copied(0, "a", true, 1.0);
        assertThat(progress.work()).isEqualTo(5.0);
        progress.copied(0, "a", false, 5.5);
        progress.read(0, 12, true);
        assertThat(progress.work()).isEqualTo(6.5);
        assertThat(progress.lines()).last().asString().contains("10/10 records", "ETA --:--");
    }

    @Test
    void theTimeLeftCountsFromThisProcesssFirstOutputAndOnlyItsOwnStreams() {
        long[] now = {0};
        RunProgress progress = new RunProgress(ReprocessKind.SPEECH, List.of(new PartitionRange(0, 0, 10, 10)),
                Map.of(0, 300.0), () -> now[0]);
        progress.copied(0, "a", true, 300.0);
        progress.read(0, 10, true);
        // What an earlier process of the run wrote, read before this one has caught up: no part of this one's rate.
        progress.output("a", segment("a", 30));
        progress.caughtUp();
        now[0] = 10_000_000_000L;
        assertThat(progress.lines()).last().asString().contains("ETA --:--");
        // Ten seconds of start-up until this process's first output, then 60 s of audio more in 10 s: 6 audio s/s,
        // 180 s left.
        progress.output("a", segment("a", 60));
        now[0] = 20_000_000_000L;
        progress.output("a", segment("a", 120));
        // Another run writing to the same topic at the same time: its streams are not this run's work.
        progress.output("other", segment("other", 100));
        progress.output("other", TranscriptEnd.of("other", 1, 100));
        assertThat(progress.lines()).last().asString().contains("40%", "6.0 audio s/s", "ETA 0:00:30");
    }

    @Test
    void theRateIsOfTheLastHalfOfTheRunOnceThatIsLongerThanTenSeconds() {
        long[] now = {0};
        RunProgress progress = new RunProgress(ReprocessKind.SPEECH, List.of(new PartitionRange(0, 0, 10, 10)),
                Map.of(0, 3600.0), () -> now[0]);
        progress.copied(0, "a", true, 3600.0);
        progress.read(0, 10, true);
        progress.caughtUp();
        progress.output("a", segment("a", 0.5));
        // 10 audio s/s for a minute, then nothing for 40 s (a machine busy with something else).
        for (int t = 10; t <= 100; t += 10) {
            now[0] = t * 1_000_000_000L;
            progress.output("a", segment("a", Math.min(t, 60) * 10 + 0.5));
            progress.lines();
        }
        // Over the last 50 s: 100 audio s.
        assertThat(progress.lines()).last().asString().contains("2.0 audio s/s");
    }

    @Test
    void onceTheFirstStageIsThroughTheRateCountsFromThen() {
        long[] now = {0};
        RunProgress progress = new RunProgress(ReprocessKind.SPEECH, List.of(new PartitionRange(0, 0, 10, 10)),
                Map.of(0, 3600.0), () -> now[0]);
        progress.copied(0, "a", true, 3600.0);
        progress.read(0, 10, true);
        progress.caughtUp();
        double[] out = {0.5};
        progress.output("a", segment("a", out[0]));
        // 4 audio s/s for 20 s while the first stage shares the cores, then 10 audio s/s.
        for (int t = 1; t <= 26; t++) {
            now[0] = t * 1_000_000_000L;
            out[0] += t <= 20 ? 4 : 10;
            progress.output("a", segment("a", out[0]));
            if (t == 20) {
                progress.upstreamDone();
            }
            String total = progress.lines().get(1);
            if (t == 22) {
                // Two seconds are too few to tell a rate from a burst: the last half of the run still counts, 9 s of
                // it slow.
                assertThat(total).contains("5.1 audio s/s");
            }
        }
        assertThat(progress.lines()).last().asString().contains("10.0 audio s/s");
    }
}
