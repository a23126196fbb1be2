package io.sensorium.cli;

import io.sensorium.core.records.Detection;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.processors.speech.text.EnglishTextNormalizer;
import io.sensorium.processors.speech.text.WordErrorRate;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code --compare TOPIC}: what a run's model changed against an earlier output of the same streams — per stream
 * and in total, the word error rate of the earlier transcripts against the new ones (both through Whisper's English
 * normaliser), or for frames the number whose detection count and whose labels changed.
 */
final class OutputComparison {
    private final ReprocessKind kind;

    OutputComparison(ReprocessKind kind) {
        this.kind = kind;
    }

    /** @param fresh the run's output records; @param earlier the records of the topic compared with */
    void print(List<ConsumerRecord<String, byte[]>> fresh, List<ConsumerRecord<String, byte[]>> earlier, String earlierTopic,
               PrintStream out) {
        Map<String, Map<Long, Object>> now = byStream(fresh);
        Map<String, Map<Long, Object>> before = byStream(earlier);
        if (kind == ReprocessKind.SPEECH) {
            printWordErrors(now, before, earlierTopic, out);
        } else {
            printFrameChanges(now, before, earlierTopic, out);
        }
    }

    private void printWordErrors(Map<String, Map<Long, Object>> now, Map<String, Map<Long, Object>> before,
                                 String earlierTopic, PrintStream out) {
        EnglishTextNormalizer normalizer = new EnglishTextNormalizer();
        int errors = 0;
        int words = 0;
        for (var stream : onBoth(now, before, earlierTopic, out).entrySet()) {
            WordErrorRate wer = WordErrorRate.of(normalizer.normalize(text(stream.getValue().earlier())),
                    normalizer.normalize(text(stream.getValue().now())));
            out.printf(Locale.ROOT, "%s: WER %.1f%% against %s (%d errors in %d words)%n", stream.getKey(), 100 * wer.rate(),
                    earlierTopic, wer.errors(), wer.referenceWords());
            errors += wer.errors();
            words += wer.referenceWords();
        }
        out.printf(Locale.ROOT, "total: WER %.1f%% against %s (%d errors in %d words)%n",
                words == 0 ? 0.0 : 100.0 * errors / words, earlierTopic, errors, words);
    }

    private void printFrameChanges(Map<String, Map<Long, Object>> now, Map<String, Map<Long, Object>> before,
                                   String earlierTopic, PrintStream out) {
        long frames = 0;
        long counts = 0;
        long labels = 0;
        for (var stream : onBoth(now, before, earlierTopic, out).entrySet()) {
            Map<Long, Object> reference = stream.getValue().earlier();
            long streamFrames = 0;
            long streamCounts = 0;
            long streamLabels = 0;
            for (var frame : stream.getValue().now().entrySet()) {
                if (reference.get(frame.getKey()) instanceof FrameDetections old
                        && frame.getValue() instanceof FrameDetections fresh) {
                    streamFrames++;
                    streamCounts += old.detections().size() != fresh.detections().size() ? 1 : 0;
                    streamLabels += labels(old).equals(labels(fresh)) ? 0 : 1;
                }
            }
            out.printf("%s: %d frames on both; detection count changed in %d, labels in %d%n", stream.getKey(),
                    streamFrames, streamCounts, streamLabels);
            frames += streamFrames;
            counts += streamCounts;
            labels += streamLabels;
        }
        out.printf("total: %d frames on both; detection count changed in %d, labels in %d (against %s)%n", frames, counts,
                labels, earlierTopic);
    }

    /** A stream's segments or frames on the earlier topic and now. */
    private record Pair(Map<Long, Object> earlier, Map<Long, Object> now) {}

    /** The streams of the run that the earlier topic has too; the others are named as missing there. */
    private static Map<String, Pair> onBoth(Map<String, Map<Long, Object>> now, Map<String, Map<Long, Object>> before,
                                            String earlierTopic, PrintStream out) {
        Map<String, Pair> pairs = new LinkedHashMap<>();
        now.forEach((stream, records) -> {
            if (before.containsKey(stream)) {
                pairs.put(stream, new Pair(before.get(stream), records));
            } else {
                out.printf("%s: not on %s%n", stream, earlierTopic);
            }
        });
        return pairs;
    }

    /**
     * Each stream's segments or frames by number; where a stream id came more than once, its latest run (numbering
     * starts again at 0).
     */
    private Map<String, Map<Long, Object>> byStream(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Map<Long, Object>> streams = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            Object value = kind.readOutput(record.value());
            Long number = value instanceof TranscriptSegment segment ? Long.valueOf(segment.segment())
                    : value instanceof FrameDetections frame ? Long.valueOf(frame.frame()) : null;
            if (number == null) {
                continue;
            }
            Map<Long, Object> stream = streams.computeIfAbsent(record.key(), k -> new LinkedHashMap<>());
            if (number == 0) {
                stream.clear();
            }
            stream.put(number, value);
        }
        return streams;
    }

    private static String text(Map<Long, Object> segments) {
        StringBuilder text = new StringBuilder();
        segments.values().forEach(segment -> text.append(((TranscriptSegment) segment).text()));
        return text.toString();
    }

    private static Map<String, Integer> labels(FrameDetections frame) {
        Map<String, Integer> labels = new HashMap<>();
        for (Detection detection : frame.detections()) {
            labels.merge(detection.label(), 1, Integer::sum);
        }
        return labels;
    }
}
