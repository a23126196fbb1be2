package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stream rule on one partition whose range is offsets 10 to 20 and which held 30 records when the run began:
 * whole streams that begin in the range, read on past its end to their end markers.
 */
class StreamSelectionTest {
    private static final PartitionRange RANGE = new PartitionRange(0, 10, 20, 30);

    /** A record: its stream, and whether it is the stream's first or its end marker. */
    private record Rec(long offset, String stream, boolean start, boolean end) {}

    private static List<Long> copied(StreamSelection selection, Rec... records) {
        List<Long> offsets = new ArrayList<>();
        for (Rec record : records) {
            if (selection.offer(record.offset(), record.stream(), record.start(), record.end())) {
                offsets.add(record.offset());
            }
        }
        return offsets;
    }

    @Test
    void streamsThatBeginInTheRangeAreReadWholeToTheirEnds() {
        StreamSelection selection = new StreamSelection(RANGE, List.of());
        List<Long> copied = copied(selection,
                new Rec(10, "before", false, false),  // began before the range: left out, to its end
                new Rec(11, "a", true, false),
                new Rec(12, "before", false, true),
                new Rec(13, "b", true, false),
                new Rec(14, "a", false, true),
                new Rec(19, "b", false, false),
                new Rec(20, "after", true, false),    // begins at the range's end: left out
                new Rec(21, "b", false, false),       // b is read on past the end to its end marker
                new Rec(22, "b", false, true));
        assertThat(copied).containsExactly(11L, 13L, 14L, 19L, 21L, 22L);
        assertThat(selection.open()).isEmpty();
        assertThat(selection.finished(23)).as("past the range's end with no stream open").isTrue();
        assertThat(selection.finished(19)).isFalse();
    }

    @Test
    void aStreamStillOpenWhereTheTopicEndedIsLeftForAnEndMarker() {
        StreamSelection selection = new StreamSelection(RANGE, List.of());
        copied(selection, new Rec(15, "live", true, false), new Rec(25, "live", false, false));
        assertThat(selection.finished(26)).isFalse();
        assertThat(selection.finished(30)).as("the topic's end when the run began").isTrue();
        assertThat(selection.open()).containsExactly("live");
        selection.closeAll();
        assertThat(selection.open()).isEmpty();
    }

    @Test
    void onlyTheStreamsAskedForAreTaken() {
        StreamSelection selection = new StreamSelection(RANGE, List.of("b"));
        assertThat(copied(selection, new Rec(11, "a", true, false), new Rec(12, "b", true, false),
                new Rec(13, "a", false, true), new Rec(14, "b", false, true))).containsExactly(12L, 14L);
    }

    @Test
    void aRestoredRunKnowsWhichStreamsAreOpen() {
        StreamSelection selection = new StreamSelection(RANGE, List.of());
        selection.restore("a", false);
        selection.restore("b", false);
        selection.restore("a", true);
        assertThat(selection.open()).containsExactly("b");
        assertThat(copied(selection, new Rec(21, "b", false, false), new Rec(22, "c", false, false)))
                .containsExactly(21L);
        assertThat(selection.finished(22)).isFalse();
    }

    @Test
    void recordsWithoutAStreamAreLeftOut() {
        StreamSelection selection = new StreamSelection(RANGE, List.of());
        assertThat(copied(selection, new Rec(11, null, true, false))).isEmpty();
        assertThat(selection.finished(20)).isTrue();
    }
}
