package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --from} and {@code --to} as given, and the offsets they come to on a topic of known offsets and times. */
class RangeResolverTest {
    private static final ZoneId ZONE = ZoneOffset.ofHours(1);
    private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

    /**
     * Two partitions: 0 holds offsets 10..20 (the first ten were deleted), record k written at T0 + k minutes; 1
     * holds 0..5, record k at T0 + 2k minutes.
     */
    private static final RangeResolver.TopicOffsets TOPIC = new RangeResolver.TopicOffsets() {
        @Override
        public List<Integer> partitions() {
            return List.of(0, 1);
        }

        @Override
        public long earliest(int partition) {
            return partition == 0 ? 10 : 0;
        }

        @Override
        public long latest(int partition) {
            return partition == 0 ? 20 : 5;
        }

        @Override
        public long atTime(int partition, Instant time) {
            long minutes = Math.max(0, (time.getEpochSecond() - T0.getEpochSecond() + 59) / 60);
            long offset = partition == 0 ? Math.max(10, minutes) : (minutes + 1) / 2;
            return offset < latest(partition) ? offset : -1;
        }
    };

    private static List<PartitionRange> resolve(String from, String to) {
        return RangeResolver.resolve("audio", RangeBound.parse(from, "--from", ZONE), from,
                RangeBound.parse(to, "--to", ZONE), to, TOPIC);
    }

    @Test
    void earliestToNowIsAllTheTopicHolds() {
        assertThat(resolve("earliest", "now")).containsExactly(new PartitionRange(0, 10, 20, 20), new PartitionRange(1, 0, 5, 5));
    }

    @Test
    void offsetsHoldForEveryPartitionWithinWhatItHolds() {
        assertThat(resolve("3", "12")).containsExactly(new PartitionRange(0, 10, 12, 20), new PartitionRange(1, 3, 5, 5));
    }

    @Test
    void offsetsByPartitionReadOnlyThePartitionsNamed() {
        assertThat(resolve("1:2", "now")).containsExactly(new PartitionRange(1, 2, 5, 5));
        assertThat(resolve("0:12,1:1", "0:15,1:4")).containsExactly(new PartitionRange(0, 12, 15, 20), new PartitionRange(1, 1, 4, 5));
    }

    @Test
    void timesAreTheFirstRecordsWrittenAtOrAfterThem() {
        assertThat(resolve("2026-12-01T09:12:00Z", "2026-12-01T09:15:30Z"))
                .containsExactly(new PartitionRange(0, 12, 16, 20), new PartitionRange(1, 5, 5, 5));
        // Without a zone, the local one (here UTC+1); a time after every record is the partition's end.
        assertThat(resolve("2026-12-01T10:12", "2026-12-02")).containsExactly(new PartitionRange(0, 12, 20, 20),
                new PartitionRange(1, 5, 5, 5));
        assertThat(resolve("2026-12-01T09:12:00+00:00", "now")).first().isEqualTo(new PartitionRange(0, 12, 20, 20));
    }

    @Test
    void toBeforeFromIsRefused() {
        assertThatThrownBy(() -> resolve("2026-12-01T09:15:00Z", "2026-12-01T09:12:00Z"))
                .isInstanceOf(UserFacingError.class).hasMessageContaining("--to 2026-12-01T09:12:00Z is before --from");
        assertThatThrownBy(() -> resolve("14", "12")).hasMessageContaining("--to 12 is before --from 14");
        assertThatThrownBy(() -> resolve("0:14", "2026-12-01T09:12:00Z"))
                .hasMessageContaining("is before --from 0:14 (in partition 0 of audio: offset 12 before 14)");
        assertThat(UserFacingError.exitCode(catchError(() -> resolve("14", "12")))).isEqualTo(UserFacingError.USAGE);
    }

    @Test
    void aRangeWithoutRecordsIsRefused() {
        assertThatThrownBy(() -> resolve("now", "now")).isInstanceOf(UserFacingError.class)
                .hasMessage("the range --from now --to now holds no records of audio (offsets 0:20..20, 1:5..5)");
        assertThatThrownBy(() -> resolve("2026-12-03", "now")).hasMessageContaining("holds no records");
    }

    @Test
    void whatIsNeitherOffsetNorTimeIsRefused() {
        assertThatThrownBy(() -> RangeBound.parse("yesterday", "--from", ZONE)).isInstanceOf(UserFacingError.class)
                .hasMessageStartingWith("--from yesterday: not earliest, now, an offset");
        assertThatThrownBy(() -> RangeBound.parse("0:1,0:2", "--to", ZONE)).hasMessage("--to 0:1,0:2: partition 0 is given twice");
        assertThat(RangeBound.parse("2026-12-01", "--from", ZONE).time()).isEqualTo(Instant.parse("2026-11-30T23:00:00Z"));
        assertThat(RangeBound.parse(" 42 ", "--from", ZONE).offsets()).isEqualTo(Map.of(RangeBound.EVERY, 42L));
    }

    private static Throwable catchError(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("no error");
    }
}
