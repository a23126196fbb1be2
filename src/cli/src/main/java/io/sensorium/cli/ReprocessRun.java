package io.sensorium.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A reprocessing run as the registry topic keeps it ({@code reprocess-run/1}, RECORD-FORMATS.md): what was asked,
 * the range as it was resolved the first time, where this run's output begins, and whether it is done. Every Kafka
 * name the run uses derives from its id, which derives from what was asked: the same command resumes the same run.
 *
 * @param outputStart the output topic's end offset by partition when the run was first started: its records are
 *                    read from there
 */
record ReprocessRun(String schema, String run, String kind, String input, String from, String to, List<String> streams,
                    String model, String output, String status, List<PartitionRange> partitions,
                    Map<Integer, Long> outputStart) {
    static final String SCHEMA = "reprocess-run/1";
    static final String RUNNING = "running";
    static final String DONE = "done";
    private static final String PREFIX = "sensorium-reprocess-";
    private static final int ID_HEX_DIGITS = 12;

    /** The run id of these arguments: a short hash of them, {@code --to now} as given. */
    static String id(ReprocessKind kind, String input, String from, String to, List<String> streams, String model,
                     String output) {
        String asked = String.join("\n", kind.command(), input, from, to, String.join(",", streams), model, output);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(asked.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, ID_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    ReprocessRun withStatus(String newStatus) {
        return new ReprocessRun(schema, run, kind, input, from, to, streams, model, output, newStatus, partitions,
                outputStart);
    }

    ReprocessRun withOutputStart(Map<Integer, Long> offsets) {
        return new ReprocessRun(schema, run, kind, input, from, to, streams, model, output, status, partitions,
                Map.copyOf(offsets));
    }

    boolean done() {
        return DONE.equals(status);
    }

    /** The prefix of the run's Kafka Streams application ids (and so of its consumer groups and internal topics). */
    String applicationIdPrefix() {
        return PREFIX + run;
    }

    /** The copy step's consumer group and transactional id. */
    String copyGroup() {
        return applicationIdPrefix() + "-copy";
    }

    /** A topic only this run reads and writes, removed when it is done. */
    String privateTopic(String name) {
        return "sensorium.reprocess." + run + "." + name;
    }
}
