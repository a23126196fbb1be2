package io.sensorium.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How far a reprocessing run has come, per input partition and in total: records of the range read by the copy,
 * and the work done — audio seconds or frames the output has reached — of the work the range holds (an estimate
 * until the copy has read a partition to its end, exact from then on). The copy reports from its thread, the output
 * from another; both may begin with what an earlier process of the run did.
 */
final class RunProgress {
    private final ReprocessKind kind;
    private final Map<Integer, Partition> partitions = new LinkedHashMap<>();
    /** Input partition and number of starts of each stream copied (a stream id may begin again after it ended). */
    private final Map<String, Integer> streamPartition = new HashMap<>();
    private final Map<String, Integer> starts = new HashMap<>();
    private final Map<String, Integer> ends = new HashMap<>();
    private final Map<String, Double> reached = new HashMap<>();
    /**
     * The rate is that of the last {@value #RATE_WINDOW_SECONDS} s, or of the last half of the time since this
     * process's first output when that is longer, counted from that output: before it the stages start (groups
     * joined, models loaded, every stream's first window in), and a run speeds up after its start, so that a rate
     * since the start would keep the time left too long; a window that grows with the run keeps the time left from
     * swinging with every busy moment of a shared machine.
     */
    private static final double RATE_WINDOW_SECONDS = 10;
    /**
     * Until the first stage has caught up with the copy, it shares the cores with the last one, whose output comes
     * slower than it will for the rest of the run: once it has, the rate counts from then, as soon as that spans
     * enough of the output to be told from its bursts.
     */
    private static final double SETTLED_SECONDS = 4;
    /** When the first stage caught up with the copy; NaN before. */
    private double upstreamDone = Double.NaN;
    private final LongSupplier nanoTime;
    /** Whether what earlier processes of the run wrote has been read: output from now on is this one's. */
    private boolean caughtUp;
    private double firstOutput;
    /** (seconds, work out) as the lines were drawn, from this process's first output on. */
    private final ArrayDeque<double[]> samples = new ArrayDeque<>();

    /** @param estimates the work each partition's range holds, estimated ahead of the copy */
    RunProgress(ReprocessKind kind, List<PartitionRange> ranges, Map<Integer, Double> estimates) {
        this(kind, ranges, estimates, System::nanoTime);
    }

    RunProgress(ReprocessKind kind, List<PartitionRange> ranges, Map<Integer, Double> estimates, LongSupplier nanoTime) {
        this.kind = kind;
        this.nanoTime = nanoTime;
        for (PartitionRange range : ranges) {
            partitions.put(range.partition(), new Partition(range, estimates.getOrDefault(range.partition(), 0.0)));
        }
    }

    synchronized void read(int partition, long next, boolean finished) {
        Partition p = partitions.get(partition);
        p.read = Math.max(0, Math.min(next, p.range.end()) - p.range.start());
        p.finished = finished;
    }

    synchronized void copied(int partition, String stream, boolean start, double amount) {
        partitions.get(partition).copied += amount;
        if (start) {
            streamPartition.put(stream, partition);
            starts.merge(stream, 1, Integer::sum);
        }
    }

    /** An output record of the run, the stream it belongs to having been copied or not yet. */
    synchronized void output(String stream, Object record) {
        reached.merge(stream, kind.outputAmount(record), Math::max);
        if (kind.isEnd(record)) {
            ends.merge(stream, 1, Integer::sum);
        }
        if (caughtUp && samples.isEmpty()) {
            firstOutput = seconds();
            samples.addLast(new double[] {firstOutput, reachedTotal()});
        }
    }

    /** Says that the output an earlier process of the run wrote has been read: what comes from now on is this one's. */
    synchronized void caughtUp() {
        caughtUp = true;
    }

    /** Says that the copy is through and the first stage has processed all of it: the last stage has the cores. */
    synchronized void upstreamDone() {
        if (Double.isNaN(upstreamDone)) {
            upstreamDone = seconds();
        }
    }

    private double seconds() {
        return nanoTime.getAsLong() / 1e9;
    }

    /**
     * Work out for the streams this run copied: another run may write to the same output topic at the same time, and
     * its streams are none of this one's work.
     */
    private double reachedTotal() {
        return streamPartition.keySet().stream().mapToDouble(stream -> reached.getOrDefault(stream, 0.0)).sum();
    }

    /** Work a second over the window; 0 before it can be told. */
    private double rate() {
        if (samples.isEmpty()) {
            return 0;
        }
        double now = seconds();
        samples.addLast(new double[] {now, reachedTotal()});
        double from = now - Math.max(RATE_WINDOW_SECONDS, (now - firstOutput) / 2);
        if (now - upstreamDone >= SETTLED_SECONDS) {
            from = Math.max(from, upstreamDone);
        }
        // Drops the oldest sample while the next one still spans the window.
        while (samples.size() > 2 && secondOldest()[0] <= from) {
            samples.removeFirst();
        }
        double[] first = samples.getFirst();
        return now > first[0] ? (reachedTotal() - first[1]) / (now - first[0]) : 0;
    }

    /** Whether the copy is over and every stream it began has come out whole. */
    synchronized boolean done() {
        return partitions.values().stream().allMatch(p -> p.finished)
                && starts.entrySet().stream().allMatch(s -> ends.getOrDefault(s.getKey(), 0) >= s.getValue());
    }

    synchronized int streams() {
        return starts.size();
    }

    synchronized double work() {
        return partitions.values().stream().mapToDouble(Partition::total).sum();
    }

    private double[] secondOldest() {
        Iterator<double[]> oldest = samples.iterator();
        oldest.next();
        return oldest.next();
    }

    /** One line per partition and one for the whole run: records, work, rate and time left. */
    synchronized List<String> lines() {
        Map<Integer, Double> doneByPartition = new HashMap<>();
        streamPartition.forEach((stream, partition) ->
                doneByPartition.merge(partition, reached.getOrDefault(stream, 0.0), Double::sum));
        List<String> lines = new ArrayList<>();
        long read = 0;
        long records = 0;
        double done = 0;
        double total = 0;
        for (Partition p : partitions.values()) {
            double partitionDone = Math.min(doneByPartition.getOrDefault(p.range.partition(), 0.0), p.total());
            lines.add(String.format(Locale.ROOT, "  partition %-3d %s", p.range.partition(),
                    amounts(p.read, p.range.records(), partitionDone, p.total())));
            read += p.read;
            records += p.range.records();
            done += partitionDone;
            total += p.total();
        }
        double rate = rate();
        String eta = rate > 0 ? "ETA " + clock((total - done) / rate) : "ETA --:--";
        lines.add(String.format(Locale.ROOT, "  total         %s  %.1f %s/s  %s", amounts(read, records, done, total), rate,
                kind.unit(), eta));
        return lines;
    }

    private String amounts(long read, long records, double done, double total) {
        int percent = total > 0 ? (int) Math.min(100, 100 * done / total) : 100;
        return String.format(Locale.ROOT, "%3d%%  %d/%d records  %.1f/%.1f %s", percent, read, records, done, total,
                kind.unit());
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    private static final class Partition {
        final PartitionRange range;
        final double estimate;
        long read;
        double copied;
        boolean finished;

        Partition(PartitionRange range, double estimate) {
            this.range = range;
            this.estimate = estimate;
        }

        /** The work the partition holds: what the copy took once it is through, an estimate before. */
        double total() {
            return finished ? copied : Math.max(estimate, copied);
        }
    }
}
