package io.sensorium.cli;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which records of one input partition a reprocessing run copies — the stream rule: a stream is reprocessed whole
 * when its first record (sequence 0) lies in the range; records of streams that began before the range are passed
 * over, and so are streams that begin at or after its end; a stream still open at the range's end is read on to its
 * end marker, up to the partition's end when the run was first started ({@link PartitionRange#limit()}), and closed
 * there otherwise ({@link #open()} are then the streams that need an end marker).
 */
final class StreamSelection {
    private final PartitionRange range;
    private final Set<String> only;
    private final Set<String> open = new LinkedHashSet<>();

    /** @param only the streams to reprocess; empty for all */
    StreamSelection(PartitionRange range, Collection<String> only) {
        this.range = range;
        this.only = Set.copyOf(only);
    }

    /**
     * @param start whether the record is its stream's first (sequence 0)
     * @param end   whether it is its stream's end marker
     * @return whether to copy the record at {@code offset}
     */
    boolean offer(long offset, String stream, boolean start, boolean end) {
        if (stream == null) {
            return false;
        }
        boolean copy = open.contains(stream) || start && offset < range.end() && (only.isEmpty() || only.contains(stream));
        if (copy && !end) {
            open.add(stream);
        } else {
            open.remove(stream);
        }
        return copy;
    }

    /** Takes back a record the run copied before it was stopped: its stream is open unless this is its end. */
    void restore(String stream, boolean end) {
        if (end) {
            open.remove(stream);
        } else {
            open.add(stream);
        }
    }

    /** Whether nothing more is to be read once the run has read up to (not including) {@code next}. */
    boolean finished(long next) {
        return next >= range.limit() || next >= range.end() && open.isEmpty();
    }

    /** The streams begun and not yet ended, in the order they began. */
    List<String> open() {
        return List.copyOf(open);
    }

    /** Forgets the open streams once they have been given end markers. */
    void closeAll() {
        open.clear();
    }

    PartitionRange range() {
        return range;
    }
}
