package io.sensorium.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.DeadLetters;
import io.sensorium.core.kafka.KafkaConnection;
import io.sensorium.core.records.RecordHeaders;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the pipeline's topics for the view as a plain consumer — partitions assigned, no group, no offsets committed —
 * so that watching has no effect on the pipeline. Starts a little before the topics' ends (the recent captions and
 * events; the newest frames), picks up topics and partitions that appear later, and hands each record to the view's
 * state, whose message goes to the pages.
 */
final class TopicFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long TOPIC_CHECK_MS = 2_000;
    /** How far back from a topic's end the view starts: the captions and events a page shows on opening. */
    private static final long HISTORY_RECORDS = 300;
    private static final long STATE_INTERVAL_MS = 1_000;

    private final KafkaConsumer<String, byte[]> consumer;
    private final SensoriumConfig.Topics topics;
    private final ViewState state;
    private final ObjectMapper json;
    private final Consumer<EventStream.Message> out;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Thread thread;
    private volatile boolean closing;

    TopicFollower(KafkaConnection connection, SensoriumConfig.Topics topics, ViewState state, ObjectMapper json,
                  Consumer<EventStream.Message> out) {
        this.consumer = new KafkaConsumer<>(connection.clientConfig(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "sensorium-view-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // What the stages committed only: an exactly-once stage's aborted attempts are not the pipeline's.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)));
        this.topics = topics;
        this.state = state;
        this.json = json;
        this.out = out;
        this.thread = new Thread(this::follow, "view-follower");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void follow() {
        long lastTopicCheck = 0;
        long lastState = 0;
        try {
            while (!closing) {
                long now = System.currentTimeMillis();
                if (now - lastTopicCheck >= TOPIC_CHECK_MS) {
                    lastTopicCheck = now;
                    assignNew();
                }
                if (!assigned.isEmpty()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        read(record);
                    }
                } else {
                    Thread.sleep(POLL.toMillis());
                }
                if (now - lastState >= STATE_INTERVAL_MS) {
                    lastState = now;
                    out.accept(state.streams(now));
                }
            }
        } catch (WakeupException | InterruptedException closed) {
            // close() woke the consumer up: the view is shutting down.
        } catch (RuntimeException e) {
            LOG.error("the live view stopped reading the topics", e);
        } finally {
            consumer.close();
        }
    }

    private void assignNew() {
        List<TopicPartition> fresh = new ArrayList<>();
        for (String topic : List.of(topics.transcripts(), topics.detections(), topics.frames(), topics.events(),
                topics.deadLetters())) {
            List<PartitionInfo> partitions = consumer.listTopics(Duration.ofSeconds(5)).get(topic);
            if (partitions == null) {
                continue;
            }
            for (PartitionInfo p : partitions) {
                TopicPartition partition = new TopicPartition(p.topic(), p.partition());
                if (!assigned.contains(partition)) {
                    fresh.add(partition);
                }
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        assigned.addAll(fresh);
        consumer.assign(assigned);
        Map<TopicPartition, Long> ends = consumer.endOffsets(fresh);
        for (TopicPartition partition : fresh) {
            // Frames are big and only the newest are drawn; of the rest, some history for a page opened mid-stream.
            long back = partition.topic().equals(topics.frames()) ? 1 : HISTORY_RECORDS;
            consumer.seek(partition, Math.max(0, ends.get(partition) - back));
        }
    }

    private void read(ConsumerRecord<String, byte[]> record) {
        long now = System.currentTimeMillis();
        String topic = record.topic();
        EventStream.Message message = null;
        if (topic.equals(topics.frames())) {
            if (!RecordHeaders.flag(record.headers(), RecordHeaders.END_OF_STREAM) && record.key() != null) {
                state.frame(record.key(), RecordHeaders.longOr(record.headers(), RecordHeaders.SEQUENCE, -1),
                        record.value());
            }
        } else if (topic.equals(topics.deadLetters())) {
            message = state.deadLetter(record.key(), RecordHeaders.text(record.headers(), DeadLetters.STAGE),
                    RecordHeaders.text(record.headers(), DeadLetters.ERROR));
        } else {
            JsonNode value = parse(record);
            if (value == null) {
                return;
            }
            if (topic.equals(topics.transcripts())) {
                message = state.transcript(value, record.timestamp(), now);
            } else if (topic.equals(topics.detections())) {
                message = state.detections(value, record.timestamp(), now);
            } else {
                message = state.event(value, now);
            }
        }
        if (message != null) {
            out.accept(message);
        }
    }

    /** A value that is not JSON is left out of the view (the dead-letter topic is where bad records are shown). */
    private JsonNode parse(ConsumerRecord<String, byte[]> record) {
        try {
            return json.readTree(record.value());
        } catch (IOException e) {
            LOG.warn("{} offset {} of partition {} is not JSON: not shown", record.topic(), record.offset(),
                    record.partition());
            return null;
        }
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
