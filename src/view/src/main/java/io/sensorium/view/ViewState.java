package io.sensorium.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the view knows of the pipeline, from the records it reads: per speech stream its recent final segments and
 * its partial line, per camera its newest detections and its newest frames (to draw them on), the recent object
 * events, and per stream whether it is live, ended or lagging and how many of its records were dead-lettered. Each
 * record read becomes the message the pages get; {@link #snapshot} is all of it, for a page that connects.
 */
final class ViewState {
    static final String SPEECH = "speech";
    static final String CAMERA = "camera";
    /** Final segments kept per speech stream for a page that connects: a few minutes of captions. */
    private static final int FINALS_KEPT = 100;
    /** Frames kept per camera: their detections come two stages later, a second or so on a loaded machine. */
    private static final int FRAMES_KEPT = 32;
    private static final int EVENTS_KEPT = 100;
    private static final long EVENTS_KEPT_MS = 5 * 60_000;
    /** A stream that said nothing for this long is idle rather than live. */
    private static final long IDLE_MS = 10_000;

    private final ObjectMapper json;
    private final Map<String, Stream> streams = new LinkedHashMap<>();
    private final Deque<ObjectNode> events = new ArrayDeque<>();

    ViewState(ObjectMapper json) {
        this.json = json;
    }

    private static final class Stream {
        final String kind;
        long lastRecordMs;
        double lagSeconds;
        boolean ended;
        int deadLetters;
        final Deque<JsonNode> finals = new ArrayDeque<>();
        JsonNode partial;
        ObjectNode detections;
        final TreeMap<Long, byte[]> frames = new TreeMap<>();

        Stream(String kind) {
            this.kind = kind;
        }
    }

    /** @param timestampMs the record's Kafka timestamp: when ingest read the audio or frame it came from */
    synchronized EventStream.Message transcript(JsonNode record, long timestampMs, long nowMs) {
        Stream stream = seen(record.path("stream").asText(), SPEECH, timestampMs, nowMs);
        switch (record.path("type").asText()) {
            case "segment" -> {
                stream.finals.addLast(record);
                while (stream.finals.size() > FINALS_KEPT) {
                    stream.finals.removeFirst();
                }
            }
            case "partial" -> stream.partial = record;
            case "end" -> {
                stream.ended = true;
                stream.partial = null;
            }
            default -> {
                return null;
            }
        }
        return message("transcript", record);
    }

    synchronized void frame(String camera, long sequence, byte[] jpeg) {
        Stream stream = streams.computeIfAbsent(camera, id -> new Stream(CAMERA));
        stream.frames.put(sequence, jpeg);
        while (stream.frames.size() > FRAMES_KEPT) {
            stream.frames.pollFirstEntry();
        }
    }

    /** @return the frame's JPEG, or null where it is not (or no longer) kept */
    synchronized byte[] frameJpeg(String camera, long sequence) {
        Stream stream = streams.get(camera);
        return stream == null ? null : stream.frames.get(sequence);
    }

    synchronized EventStream.Message detections(JsonNode record, long timestampMs, long nowMs) {
        String camera = record.path("stream").asText();
        Stream stream = seen(camera, CAMERA, timestampMs, nowMs);
        if (record.path("type").asText().equals("end")) {
            // The streams' states, sent every second, say it ended.
            stream.ended = true;
            return null;
        }
        ObjectNode shown = record.deepCopy();
        shown.put("image", "frames/" + URLEncoder.encode(camera, StandardCharsets.UTF_8) + "/"
                + record.path("frame").asLong() + ".jpg");
        stream.detections = shown;
        return message("detections", shown);
    }

    synchronized EventStream.Message event(JsonNode record, long nowMs) {
        if (!record.has("track_id")) {
            return null;
        }
        ObjectNode shown = record.deepCopy();
        shown.put("received_ms", nowMs);
        events.addLast(shown);
        while (events.size() > EVENTS_KEPT || events.peekFirst().path("received_ms").asLong() < nowMs - EVENTS_KEPT_MS) {
            events.removeFirst();
        }
        return message("event", shown);
    }

    /** @param stream the dead letter's stream (its key), null where it has none */
    synchronized EventStream.Message deadLetter(String stream, String stage, String error) {
        if (stream != null && streams.containsKey(stream)) {
            streams.get(stream).deadLetters++;
        }
        return message("dead-letter", json.createObjectNode().put("stream", stream).put("stage", stage)
                .put("error", error));
    }

    /** Each stream's state now: live, lagging, idle or ended, and its dead letters. */
    synchronized EventStream.Message streams(long nowMs) {
        return message("streams", streamList(nowMs));
    }

    /** Everything a page needs to draw the view as it is. */
    synchronized EventStream.Message snapshot(long nowMs) {
        ObjectNode all = json.createObjectNode();
        all.set("streams", streamList(nowMs));
        ObjectNode captions = all.putObject("captions");
        ObjectNode cameras = all.putObject("cameras");
        streams.forEach((id, stream) -> {
            if (stream.kind.equals(SPEECH)) {
                ObjectNode caption = captions.putObject(id);
                caption.putArray("finals").addAll(stream.finals);
                caption.set("partial", stream.partial);
            } else if (stream.detections != null) {
                cameras.set(id, stream.detections);
            }
        });
        all.putArray("events").addAll(events);
        return message("snapshot", all);
    }

    private ArrayNode streamList(long nowMs) {
        ArrayNode list = json.createArrayNode();
        streams.forEach((id, stream) -> {
            if (stream.lastRecordMs == 0) {
                return;
            }
            String state = stream.ended ? "ended" : nowMs - stream.lastRecordMs > IDLE_MS ? "idle"
                    : stream.lagSeconds > 2 ? "lagging" : "live";
            list.addObject().put("id", id).put("kind", stream.kind).put("state", state)
                    .put("lag_seconds", Math.round(stream.lagSeconds * 10) / 10.0).put("dead_letters", stream.deadLetters);
        });
        return list;
    }

    private Stream seen(String id, String kind, long timestampMs, long nowMs) {
        Stream stream = streams.computeIfAbsent(id, key -> new Stream(kind));
        stream.lastRecordMs = nowMs;
        stream.lagSeconds = Math.max(0, nowMs - timestampMs) / 1000.0;
        return stream;
    }

    private EventStream.Message message(String event, JsonNode data) {
        return new EventStream.Message(event, data.toString());
    }
}
