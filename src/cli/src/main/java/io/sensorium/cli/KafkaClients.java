package io.sensorium.cli;

import io.sensorium.core.kafka.KafkaConnection;
import io.sensorium.core.kafka.StreamsStage;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producers and consumers keyed by stream id, with the settings Sensorium relies on. */
final class KafkaClients {
    private KafkaClients() {}

    static KafkaProducer<String, byte[]> producer(KafkaConnection connection) {
        return producer(connection, Map.of(
                // Idempotence keeps a retried send from duplicating a chunk, so each stream's order holds.
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"));
    }

    /**
     * A producer whose records and consumer offsets commit together or not at all.
     *
     * @param transactionalId the same for every run of one piece of work, so that a new run fences off an old one
     */
    static KafkaProducer<String, byte[]> transactionalProducer(KafkaConnection connection, String transactionalId) {
        return producer(connection, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.CLIENT_ID_CONFIG, transactionalId + "-" + UUID.randomUUID()));
    }

    private static KafkaProducer<String, byte[]> producer(KafkaConnection connection, Map<String, Object> own) {
        Map<String, Object> config = new HashMap<>(own);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // Uncompressed, as Kafka's default is: what these producers send (16-bit PCM, JPEG frames, copies of them)
        // hardly compresses (lz4 -1 over jfk.wav: 99.9% of its size; over 2 min of JFK with a second of silence
        // between: 91.6%), and lz4 cost its producer, the broker that checks each batch and the stage that reads it
        // 5% of a run's CPU (transcribe of the JFK files and 2 min of JFK, tiny.en int8 greedy, six runs each
        // alternating: 7.96 -> 7.55 s, medians, every pair less). A cluster that wants compression sets
        // kafka.client.compression.type.
        return new KafkaProducer<>(connection.clientConfig(config), new StringSerializer(), new ByteArraySerializer());
    }

    /** A consumer outside any group: readers such as tail and transcribe pick their partitions and offsets. */
    static KafkaConsumer<String, byte[]> reader(KafkaConnection connection) {
        return new KafkaConsumer<>(connection.clientConfig(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "sensorium-reader-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, StreamsStage.FETCH_MAX_WAIT_MS,
                // Only committed output: an exactly-once stage's aborted attempts must not be printed.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new StringDeserializer(), new ByteArrayDeserializer());
    }
}
