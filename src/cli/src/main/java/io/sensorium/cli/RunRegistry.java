package io.sensorium.cli;

import io.sensorium.core.kafka.KafkaConnection;
import io.sensorium.core.records.JsonRecords;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The reprocessing runs a cluster has seen, on a compacted topic keyed by run id: a run's resolved range outlives
 * the process that resolved it, so a rerun reads the same offsets, and a finished run is known to be finished.
 */
final class RunRegistry {
    static final String TOPIC = "sensorium.reprocess.runs";
    private final KafkaConnection connection;

    RunRegistry(KafkaConnection connection, Admin admin) {
        this.connection = connection;
        try {
            if (!admin.listTopics().names().get().contains(TOPIC)) {
                // One partition: runs are few, and a reader finds every run in one place.
                admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
            }
        } catch (ExecutionException e) {
            // Another run starting at the same moment may have created it first: that is the state we want.
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + TOPIC + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + TOPIC, e);
        }
    }

    /** The run's latest record, if it was ever started. */
    Optional<ReprocessRun> find(String runId) {
        return TopicSnapshot.read(connection, TOPIC, Map.of()).stream()
                .filter(record -> runId.equals(record.key()))
                .reduce((earlier, later) -> later)
                .map(record -> JsonRecords.read(record.value(), ReprocessRun.class));
    }

    void save(ReprocessRun run) {
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(connection)) {
            producer.send(new ProducerRecord<>(TOPIC, run.run(), JsonRecords.write(run))).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot record run " + run.run() + " on " + TOPIC + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording run " + run.run(), e);
        }
    }
}
