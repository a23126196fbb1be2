package io.sensorium.core.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.sensorium.core.records.RecordHeaders;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams processor whose failures on one record send that record to the dead-letter child and let the
 * stream go on. Kafka's own exceptions (a fenced producer, a migrated task) still propagate: they are about the
 * application, not the record, and Kafka Streams must see them to recover. When the failed record was its stream's
 * last (it carries the end-of-stream flag), the stream is still ended downstream: whatever waits for its end marker
 * — the next stage, a one-shot run's output watcher — must not wait for ever.
 */
public abstract class DeadLetteringProcessor implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetteringProcessor.class);

    private final String stage;
    private final Counter recordsIn;
    /** {@code sensorium.records.out} by output, resolved once per output rather than looked up per record. */
    private final Map<String, Counter> recordsOut = new HashMap<>();
    private ProcessorContext<String, byte[]> context;
    /** The gauge of the streams this task holds, where the stage keeps per-stream state; else null. */
    private Gauge activeStreams;

    protected DeadLetteringProcessor(String stage) {
        this.stage = stage;
        this.recordsIn = Counter.builder("sensorium.records.in").description("records a stage took from its input")
                .tag("stage", stage).register(Metrics.globalRegistry);
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    protected ProcessorContext<String, byte[]> context() {
        return context;
    }

    /**
     * Counts the streams this task holds state for in {@code store} (one entry per stream, removed at its end) as
     * {@code sensorium.streams.active}, tagged with the stage and the task: the tasks of an instance add up to its
     * active streams, and a task that moves takes its count along.
     */
    protected void countStreams(KeyValueStore<String, ?> store) {
        activeStreams = Gauge.builder("sensorium.streams.active", store, KeyValueStore::approximateNumEntries)
                .description("streams a stage holds state for: begun and not yet ended")
                .tags("stage", stage, "task", context.taskId().toString()).register(Metrics.globalRegistry);
    }

    @Override
    public void close() {
        if (activeStreams != null) {
            Metrics.globalRegistry.remove(activeStreams);
        }
    }

    @Override
    public final void process(Record<String, byte[]> record) {
        recordsIn.increment();
        try {
            handle(record);
        } catch (KafkaException e) {
            throw e;
        } catch (RuntimeException e) {
            if (shuttingDown()) {
                // The process is being stopped, and native resources (ONNX Runtime's environment) go with their own
                // shutdown hooks: the record is not at fault. A failed task leaves it uncommitted for the next start.
                throw new StreamsException("stage " + stage + " is stopping; the record of stream '" + record.key()
                        + "' is left for its next start", e);
            }
            deadLetter(record, e);
        }
    }

    /** Whether the JVM is running its shutdown hooks, when no hook can be added any more. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shutdownInProgress) {
            return true;
        }
    }

    /** Processes one record; any exception it throws sends the record to the dead-letter topic. */
    protected abstract void handle(Record<String, byte[]> record);

    /**
     * Ends stream {@code last.key()} downstream as its end-of-stream record would have, with what the stream had
     * before: {@code last}, that record, was dead-lettered.
     */
    protected abstract void endStream(Record<String, byte[]> last);

    protected void emit(Record<String, byte[]> record) {
        emit(record, StageTopology.OUTPUT);
    }

    /** Forwards to another output the stage added with {@link StageTopology#addOutput}. */
    protected void emit(Record<String, byte[]> record, String sink) {
        context.forward(record, sink);
        recordsOut.computeIfAbsent(sink, output -> Counter.builder("sensorium.records.out")
                .description("records a stage sent on, by output").tags("stage", stage, "output", output)
                .register(Metrics.globalRegistry)).increment();
    }

    protected void deadLetter(Record<String, byte[]> record, Exception error) {
        DeadLetters.SourcePosition source = context.recordMetadata()
                .map(m -> new DeadLetters.SourcePosition(m.topic(), m.partition(), m.offset()))
                .orElse(null);
        LOG.warn("{}: record of stream '{}' at {} sent to dead letters: {}", stage, record.key(), source, error.getMessage());
        context.forward(record.withHeaders(DeadLetters.headers(record.headers(), stage, error, source)),
                StageTopology.DEAD_LETTERS);
        Counter.builder("sensorium.dead.letters").description("records sent to the dead-letter topic, by error class")
                .tags("stage", stage, "reason", error.getClass().getSimpleName()).register(Metrics.globalRegistry)
                .increment();
        if (record.key() != null && RecordHeaders.flag(record.headers(), RecordHeaders.END_OF_STREAM)) {
            try {
                endStream(record);
            } catch (KafkaException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.error("{}: stream '{}' ended on a dead letter and could not be closed downstream: {}", stage,
                        record.key(), e.getMessage(), e);
            }
        }
    }
}
