package io.sensorium.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What {@code reprocess speech} and {@code reprocess vision} both take: the range, the streams, the output. */
final class ReprocessOptions {
    @Option(names = "--from", required = true, paramLabel = "TIME|OFFSET|earliest",
            description = "Where the range begins: earliest, an ISO-8601 time (2026-12-01T09:00:00Z; without a zone, the"
                    + " local one), an offset for every partition (1200) or by partition (0:1200,1:800; a partition left"
                    + " out is not read). A time means the first record written at or after it.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TIME|OFFSET|now",
            description = "Where the range ends (not included): now (the topic's end when the run is first started),"
                    + " a time or offsets as for --from.")
    String to;

    @Option(names = "--streams", split = ",", paramLabel = "ID", description = "Reprocess only these streams.")
    List<String> streams = new ArrayList<>();

    @Option(names = "--output", paramLabel = "TOPIC",
            description = "Where the results go (default: sensorium.transcripts.MODEL or sensorium.detections.MODEL).")
    String output;

    @Option(names = "--compare", paramLabel = "TOPIC", description = "Once done, compare the results with an earlier"
            + " output of the same streams: word error rate per stream and in total (speech), frames whose detection"
            + " count or labels changed (vision); on stdout.")
    String compare;

    @Option(names = "--progress-every", paramLabel = "SECONDS", defaultValue = "10",
            description = "Where stderr is not a terminal (a log file, a pipe), print the progress block every SECONDS"
                    + " (default: ${DEFAULT-VALUE}); a terminal's is redrawn in place.")
    double progressEvery;

    @Option(names = "--dry-run", description = "Print the resolved offsets and the work the range holds; run nothing.")
    boolean dryRun;
}
