package io.sensorium.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorium.core.config.SensoriumConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints a topic's records as JSON lines: key, headers, and the value itself where it is JSON text (transcripts,
 * detections) or its size where it is binary (audio, features). Dead letters show their error headers this way.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, description = "Print a topic's records as JSON lines.")
final class TailCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ConfigOptions options;

    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    long max = Long.MAX_VALUE;

    @Option(names = "--idle-seconds", paramLabel = "S", description = "Stop once no record came for S seconds (default: follow for ever).")
    long idleSeconds = 0;

    @Option(names = "--from-end", description = "Print only records that arrive from now on.")
    boolean fromEnd;

    @Option(names = "--images", paramLabel = "DIR",
            description = "Also write image records (frames, annotated frames, pixel inputs) into DIR as files.")
    Path images;

    @Override
    public Integer call() throws Exception {
        SensoriumConfig config = options.load();
        try (KafkaCluster cluster = KafkaCluster.connect(config, false);
             KafkaConsumer<String, byte[]> consumer = KafkaClients.reader(cluster.connection())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new UserFacingError("topic " + topic + " does not exist", UserFacingError.FAILED);
            }
            consumer.assign(partitions);
            if (fromEnd) {
                consumer.seekToEnd(partitions);
            } else {
                consumer.seekToBeginning(partitions);
            }
            long printed = 0;
            long idleSince = System.nanoTime();
            while (printed < max) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    if (idleSeconds > 0 && System.nanoTime() - idleSince > Duration.ofSeconds(idleSeconds).toNanos()) {
                        break;
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    Path file = images == null ? null : ImageFiles.write(images, record);
                    System.out.println(describe(record, file));
                    if (++printed >= max) {
                        break;
                    }
                }
                System.out.flush();
            }
        }
        return 0;
    }

    static String describe(ConsumerRecord<String, byte[]> record, Path file) throws java.io.IOException {
        ObjectNode line = JSON.createObjectNode();
        line.put("topic", record.topic()).put("partition", record.partition()).put("offset", record.offset())
                .put("timestamp", record.timestamp()).put("key", record.key());
        ObjectNode headers = line.putObject("headers");
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        byte[] value = record.value();
        JsonNode json = value == null ? null : jsonValue(value);
        if (json != null) {
            line.set("value", json);
        } else {
            line.put("value_bytes", value == null ? 0 : value.length);
        }
        if (file != null) {
            line.put("file", file.toString());
        }
        return JSON.writeValueAsString(line);
    }

    /** The value as JSON, or null for a binary value (audio, features), which is not JSON by construction. */
    private static JsonNode jsonValue(byte[] value) {
        if (value.length == 0 || (value[0] != '{' && value[0] != '[')) {
            return null;
        }
        try {
            return JSON.readTree(value);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
