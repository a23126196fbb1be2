package io.sensorium.core.kafka;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams processor whose failures on one record send that record to the dead-letter child and let the
 * stream go on. Kafka's own exceptions (a fenced producer, a migrated task) still propagate: they are about the
 * application, not the record, and Kafka Streams must see them to recover.
 */
public abstract class DeadLetteringProcessor implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetteringProcessor.class);

    private final String stage;
    private ProcessorContext<String, byte[]> context;

    protected DeadLetteringProcessor(String stage) {
        this.stage = stage;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    protected ProcessorContext<String, byte[]> context() {
        return context;
    }

    @Override
    public final void process(Record<String, byte[]> record) {
        try {
            handle(record);
        } catch (KafkaException e) {
            throw e;
        } catch (RuntimeException e) {
            deadLetter(record, e);
        }
    }

    /** Processes one record; any exception it throws sends the record to the dead-letter topic. */
    protected abstract void handle(Record<String, byte[]> record);

    protected void emit(Record<String, byte[]> record) {
        emit(record, StageTopology.OUTPUT);
    }

    /** Forwards to another output the stage added with {@link StageTopology#addOutput}. */
    protected void emit(Record<String, byte[]> record, String sink) {
        context.forward(record, sink);
    }

    protected void deadLetter(Record<String, byte[]> record, Exception error) {
        DeadLetters.SourcePosition source = context.recordMetadata()
                .map(m -> new DeadLetters.SourcePosition(m.topic(), m.partition(), m.offset()))
                .orElse(null);
        LOG.warn("{}: record of stream '{}' at {} sent to dead letters: {}", stage, record.key(), source, error.getMessage());
        context.forward(record.withHeaders(DeadLetters.headers(record.headers(), stage, error, source)),
                StageTopology.DEAD_LETTERS);
    }
}
