package io.sensorium.core.records;

import java.util.Map;

/** Reads the events topic's values: {@link TrackEvent} and {@link EventsEnd} (written by {@link JsonRecords}). */
public final class EventsJson {
    private static final Map<String, Class<?>> TYPES = Map.of(TrackEvent.NEW, TrackEvent.class, TrackEvent.UPDATE,
            TrackEvent.class, TrackEvent.END, TrackEvent.class, TrackEvent.ENTERED, TrackEvent.class, TrackEvent.LEFT,
            TrackEvent.class, EventsEnd.TYPE, EventsEnd.class);

    private EventsJson() {}

    /** @return a {@link TrackEvent} or an {@link EventsEnd}, by the record's {@code type} */
    public static Object read(byte[] value) {
        return JsonRecords.read(value, "event", TYPES);
    }
}
