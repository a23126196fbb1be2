package io.sensorium.ingest.video;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vision.live-pacing}: a live camera's frames are published only as fast as the vision stage answers them on
 * the detections topic, each camera with a {@link PacingWindow}. Under {@code vision.live-frames: latest} the stage
 * skips the frames it reaches too late; without pacing, ingest would encode each of them, and Kafka carry it through
 * two stages, only for that (16 cameras at 10 frames/s with a model that takes one frame in ten: nine frames in ten).
 * Held back here, a frame costs only its decoding, and the stage gets the newest frame instead of a queue of older
 * ones. The stage's answer is its detections record, which carries the frame's record timestamp.
 */
public final class LivePacing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LivePacing.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Consumer<String, byte[]> answers;
    private final String topic;
    private final long maxLagMs;
    private final long holdMs;
    private final Map<String, PacingWindow> cameras = new ConcurrentHashMap<>();
    private final Counter held = Counter.builder("sensorium.vision.frames.skipped").tag("stage", VideoIngest.STAGE)
            .description("live frames left out because they reached the stage too late (vision.live-frames), or, at"
                    + " ingest, because the vision stage had not answered the camera's frames before (vision.live-pacing)")
            .register(Metrics.globalRegistry);
    private final Thread reader;
    private volatile boolean closed;

    /**
     * @param answers   a consumer outside any group, which this reads the detections topic with and closes
     * @param maxLagSeconds {@code vision.live-max-lag-seconds}: a frame not answered by then was skipped at the stage
     * @param holdMs    how long the stages on the way may hold a frame or its answer before passing it on, at most
     *                  (their commit intervals): an answer's wait that is not a queue
     */
    public LivePacing(Consumer<String, byte[]> answers, String detectionsTopic, double maxLagSeconds, long holdMs) {
        this.answers = answers;
        this.topic = detectionsTopic;
        this.maxLagMs = Math.round(maxLagSeconds * 1000);
        this.holdMs = holdMs;
        this.reader = new Thread(this::read, "sensorium-ingest-pacing");
        reader.setDaemon(true);
        reader.start();
    }

    /** @return whether the camera's frame read at {@code nowMs} is published, with {@code nowMs} as its timestamp */
    boolean admit(String camera, long nowMs) {
        PacingWindow window = cameras.computeIfAbsent(camera, c -> new PacingWindow(maxLagMs, holdMs));
        boolean admitted;
        boolean firstLoss;
        synchronized (window) {
            long lostBefore = window.lost();
            admitted = window.admit(nowMs);
            firstLoss = lostBefore == 0 && window.lost() > 0;
        }
        if (firstLoss) {
            LOG.warn("camera {}: the vision stage answered none of its frames published {} s ago or before (topic {}):"
                    + " a vision stage that is slow to start or overloaded, or none running; until answers come, the"
                    + " camera's frames are published one per vision.live-max-lag-seconds and the others read and"
                    + " left (vision.live-pacing: false publishes them all)", camera,
                    String.format(Locale.ROOT, "%.1f", maxLagMs / 1000.0), topic);
        }
        if (!admitted) {
            held.increment();
        }
        return admitted;
    }

    private void answered(String camera, long publishedMs, long nowMs) {
        PacingWindow window = cameras.get(camera);
        if (window != null) {
            synchronized (window) {
                window.answered(publishedMs, nowMs);
            }
        }
    }

    private void read() {
        try {
            List<TopicPartition> partitions = partitions();
            answers.assign(partitions);
            answers.seekToEnd(partitions);
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : answers.poll(POLL)) {
                    if (record.key() != null) {
                        answered(record.key(), record.timestamp(), System.currentTimeMillis());
                    }
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Frames would go on being held back for answers that no longer come: said, and pacing ends with the
            // windows as they are (each frame unanswered for vision.live-max-lag-seconds frees its place).
            LOG.error("live pacing cannot read the detections topic {}: {}", topic, e.getMessage(), e);
        }
    }

    /** The detections topic's partitions, once it exists (the vision stage or ingest's topic set-up creates it). */
    private List<TopicPartition> partitions() throws InterruptedException {
        while (!closed) {
            List<TopicPartition> partitions = answers.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (!partitions.isEmpty()) {
                return partitions;
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
        throw new WakeupException();
    }

    @Override
    public void close() {
        closed = true;
        answers.wakeup();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        answers.close();
    }
}
