package io.sensorium.bench;

import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptPartial;
import io.sensorium.core.records.TranscriptSegment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Latency of the live speech stage on one file played at 1x, from the JSON lines as they arrive:
 *
 * <pre>./sensorium transcribe --realtime FILE 2&gt;err.log | java -cp src/bench/target/benchmarks.jar io.sensorium.bench.LiveFirstLook err.log DURATION</pre>
 *
 * The stream's start is the wall time of ingest's "published ... as stream" log line less the file's DURATION
 * (the pacer publishes the last chunk when its last sample would have been heard), so the figures are low by the
 * few milliseconds between that chunk and the log line. Prints, per final, the delay from the end of its audio
 * (stream start + end) to its line's arrival, and the delay from the first partial's start to its arrival.
 */
public final class LiveFirstLook {
    private static final Pattern PUBLISHED = Pattern.compile("(\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d) INFO AudioIngest - published");

    private LiveFirstLook() {}

    private record Arrival(double wallSeconds, Object record) {}

    public static void main(String[] args) throws IOException {
        List<Arrival> arrivals = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.isBlank()) {
                arrivals.add(new Arrival(System.currentTimeMillis() / 1e3, TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8))));
            }
        }
        double start = published(Path.of(args[0])) - Double.parseDouble(args[1]);
        List<Double> delays = new ArrayList<>();
        TranscriptPartial first = null;
        double firstShown = 0;
        for (Arrival arrival : arrivals) {
            if (arrival.record() instanceof TranscriptSegment segment) {
                double delay = arrival.wallSeconds() - (start + segment.end());
                delays.add(delay);
                System.out.printf("final  end %6.2f s  delay %5.2f s  %s%n", segment.end(), delay, segment.text());
            } else if (arrival.record() instanceof TranscriptPartial partial && first == null && !partial.text().isEmpty()) {
                first = partial;
                firstShown = arrival.wallSeconds() - (start + partial.start());
            }
        }
        List<Double> sorted = delays.stream().sorted().toList();
        System.out.printf("finals: %d, delay p50 %.2f s, max %.2f s%n", sorted.size(), sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() - 1));
        if (first != null) {
            System.out.printf("first partial: speech at %.2f s, shown %.2f s later: %s%n", first.start(), firstShown, first.text());
        }
    }

    /** The wall time of ingest's "published" line, as seconds since the epoch (the log shows today's time of day). */
    private static double published(Path log) throws IOException {
        double published = Double.NaN;
        for (String line : Files.readAllLines(log)) {
            Matcher m = PUBLISHED.matcher(line);
            if (m.find()) {
                published = LocalTime.parse(m.group(1)).atDate(LocalDate.now()).atZone(ZoneId.systemDefault())
                        .toInstant().toEpochMilli() / 1e3;
            }
        }
        if (Double.isNaN(published)) {
            throw new IllegalArgumentException(log + " has no \"published ... as stream\" line from ingest");
        }
        return published;
    }
}
