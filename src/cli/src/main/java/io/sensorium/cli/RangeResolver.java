package io.sensorium.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns {@code --from} and {@code --to} into offsets of each partition: a range is {@code [from, to)}, a time
 * meaning the first record written at or after it (Kafka's offsets-for-times), offsets kept within what the
 * partition holds.
 */
final class RangeResolver {
    /** Where a topic's partitions stand. */
    interface TopicOffsets {
        List<Integer> partitions();

        long earliest(int partition);

        long latest(int partition);

        /** @return the first offset whose record timestamp is at or after {@code time}, or -1 when there is none */
        long atTime(int partition, Instant time);
    }

    private RangeResolver() {}

    /**
     * @throws UserFacingError when {@code to} is before {@code from} or the range holds no record
     */
    static List<PartitionRange> resolve(String topic, RangeBound from, String fromText, RangeBound to, String toText,
                                        TopicOffsets offsets) {
        if (from.after(to)) {
            throw before(fromText, toText, "");
        }
        List<PartitionRange> ranges = new ArrayList<>();
        for (int partition : offsets.partitions()) {
            if (!from.covers(partition) || !to.covers(partition)) {
                continue;
            }
            long start = offset(from, partition, offsets);
            long end = offset(to, partition, offsets);
            if (end < start) {
                throw before(fromText, toText, " (in partition " + partition + " of " + topic + ": offset " + end
                        + " before " + start + ")");
            }
            ranges.add(new PartitionRange(partition, start, end, offsets.latest(partition)));
        }
        if (ranges.stream().allMatch(range -> range.records() == 0)) {
            throw new UserFacingError("the range --from " + fromText + " --to " + toText + " holds no records of " + topic
                    + " (offsets " + ranges.stream().map(r -> r.partition() + ":" + r.start() + ".." + r.end())
                    .collect(Collectors.joining(", ")) + ")", UserFacingError.USAGE);
        }
        return ranges;
    }

    private static UserFacingError before(String fromText, String toText, String where) {
        return new UserFacingError("--to " + toText + " is before --from " + fromText + where, UserFacingError.USAGE);
    }

    private static long offset(RangeBound bound, int partition, TopicOffsets offsets) {
        long earliest = offsets.earliest(partition);
        long latest = offsets.latest(partition);
        return switch (bound.kind()) {
            case EARLIEST -> earliest;
            case NOW -> latest;
            case OFFSET -> Math.max(earliest, Math.min(latest, bound.offset(partition)));
            case TIME -> {
                long atTime = offsets.atTime(partition, bound.time());
                yield atTime < 0 ? latest : atTime;
            }
        };
    }
}
