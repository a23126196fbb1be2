package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sensorium broker} as its own process, as a user runs it: what a transactional producer wrote is there for a
 * consumer group after a SIGTERM and a restart on the same directory, each stop exits 0 promptly, and a port in use
 * or a directory it cannot write is refused with a message and exit code 2.
 */
class BrokerCommandTest {
    private static final List<String> RECORDS = List.of("one", "two", "three");

    @Test
    void recordsOutliveARestartAndEachStopIsClean(@TempDir Path tmp, @TempDir Path data) throws Exception {
        int port = TestPipeline.freePort();
        String bootstrap = "127.0.0.1:" + port;
        String topic = "kept-" + UUID.randomUUID();

        CliProcess first = CliProcess.broker(tmp, port, data);
        first.awaitStderr(CliProcess.KEPT_BROKER_READY + port);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            // The broker does not create topics on first use: Sensorium's commands create theirs.
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        // Transactional, as an exactly-once stage writes: the transaction coordinator must work on one node.
        try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap)) {
            producer.initTransactions();
            producer.beginTransaction();
            RECORDS.forEach(value -> producer.send(new ProducerRecord<>(topic, "stream", value)));
            producer.commitTransaction();
        }
        assertStopsCleanly(first);

        CliProcess second = CliProcess.broker(tmp, port, data);
        second.awaitStderr(CliProcess.KEPT_BROKER_READY + port);
        assertThat(consumeInAGroup(bootstrap, topic)).containsExactlyElementsOf(RECORDS);
        assertStopsCleanly(second);
    }

    @Test
    void aPortInUseAndADirectoryItCannotWriteAreRefused(@TempDir Path tmp, @TempDir Path data) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliProcess busy = CliProcess.broker(tmp, taken.getLocalPort(), data);
            assertThat(busy.waitFor(60)).isEqualTo(UserFacingError.USAGE);
            assertThat(busy.stderr()).contains("sensorium: cannot listen at 127.0.0.1:" + taken.getLocalPort())
                    .contains("--port chooses another port");
        }
        Path file = Files.writeString(data.resolve("a-file"), "not a directory");
        CliProcess blocked = CliProcess.broker(tmp, TestPipeline.freePort(), file);
        assertThat(blocked.waitFor(60)).isEqualTo(UserFacingError.USAGE);
        assertThat(blocked.stderr()).contains("sensorium: cannot keep the broker's data in " + file + ": " + file
                + " is a file, not a directory");
    }

    /** SIGTERM ends the broker with exit code 0, and soon: it has nothing to hand over. */
    private static void assertStopsCleanly(CliProcess broker) throws InterruptedException {
        long began = System.nanoTime();
        broker.terminate();
        assertThat(broker.waitFor(30)).as(broker.stderr()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(15));
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "broker-test-" + UUID.randomUUID()),
                new StringSerializer(), new StringSerializer());
    }

    private static List<String> consumeInAGroup(String bootstrap, String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "broker-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < RECORDS.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            consumer.commitSync();
        }
        return values;
    }
}
