package io.sensorium.cli;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

/**
 * One end of a reprocessing range as the user gave it ({@code --from}, {@code --to}): the topic's first or last
 * offset, a time, one offset for every partition, or offsets by partition ({@code 0:120,2:40}; a partition left out
 * is not read).
 *
 * @param offsets by partition; for {@link Kind#OFFSET} one entry per listed partition, or under key {@link #EVERY}
 */
record RangeBound(Kind kind, Instant time, Map<Integer, Long> offsets) {
    enum Kind { EARLIEST, NOW, TIME, OFFSET }

    /** The key of an offset that holds for every partition. */
    static final int EVERY = -1;

    static RangeBound parse(String text, String option, ZoneId zone) {
        String value = text.strip();
        if (value.equals("earliest")) {
            return new RangeBound(Kind.EARLIEST, null, Map.of());
        }
        if (value.equals("now") || value.equals("latest")) {
            return new RangeBound(Kind.NOW, null, Map.of());
        }
        if (value.matches("\\d+")) {
            return new RangeBound(Kind.OFFSET, null, Map.of(EVERY, Long.parseLong(value)));
        }
        if (value.matches("\\d+:\\d+(,\\d+:\\d+)*")) {
            Map<Integer, Long> offsets = new TreeMap<>();
            for (String part : value.split(",")) {
                String[] pair = part.split(":");
                if (offsets.put(Integer.parseInt(pair[0]), Long.parseLong(pair[1])) != null) {
                    throw invalid(text, option, "partition " + pair[0] + " is given twice");
                }
            }
            return new RangeBound(Kind.OFFSET, null, offsets);
        }
        return new RangeBound(Kind.TIME, parseTime(value, text, option, zone), Map.of());
    }

    /** An ISO-8601 instant or offset date-time, else a local date-time or date in {@code zone}. */
    private static Instant parseTime(String value, String text, String option, ZoneId zone) {
        try {
            if (value.endsWith("Z") || value.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return OffsetDateTime.parse(value).toInstant();
            }
            if (value.contains("T") || value.contains(" ")) {
                return LocalDateTime.parse(value.replace(' ', 'T')).atZone(zone).toInstant();
            }
            return LocalDate.parse(value).atStartOfDay(zone).toInstant();
        } catch (DateTimeException e) {
            throw invalid(text, option, "not earliest, now, an offset (N or PARTITION:N,...) or an ISO-8601 time"
                    + " (2026-12-01T09:30:00Z, 2026-12-01T10:30, 2026-12-01)");
        }
    }

    private static UserFacingError invalid(String text, String option, String why) {
        return new UserFacingError(option + " " + text + ": " + why, UserFacingError.USAGE);
    }

    /**
     * Whether this bound lies after {@code other} whatever the topic holds: both times, or both one offset for
     * every partition. Other pairs are compared once resolved, partition by partition.
     */
    boolean after(RangeBound other) {
        if (kind == Kind.TIME && other.kind == Kind.TIME) {
            return time.isAfter(other.time);
        }
        return kind == Kind.OFFSET && other.kind == Kind.OFFSET && offsets.containsKey(EVERY)
                && other.offsets.containsKey(EVERY) && offsets.get(EVERY) > other.offsets.get(EVERY);
    }

    /** Whether partition {@code partition} is read at all: a list of offsets by partition names those it reads. */
    boolean covers(int partition) {
        return kind != Kind.OFFSET || offsets.containsKey(EVERY) || offsets.containsKey(partition);
    }

    long offset(int partition) {
        return offsets.getOrDefault(partition, offsets.get(EVERY));
    }
}
