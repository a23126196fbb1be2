package io.sensorium.processors.vision;

import static io.sensorium.core.records.RecordHeaders.LIVE;
import static io.sensorium.core.records.RecordHeaders.flag;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.sensorium.core.config.SensoriumConfig;
import java.util.Locale;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vision.live-frames: latest} at a stage of the vision path: a live camera's frame that reaches the stage more
 * than {@code vision.live-max-lag-seconds} after ingest read it is skipped and counted, so that the camera's results
 * are about now rather than a backlog that grows while the stages are slower than the camera (DeepStream and Frigate
 * drop frames alike). Both stages apply it — the preprocessor too, or frames would wait there and every one reach
 * the model too late — and only to live sources' frames: files and reprocessing get every frame.
 */
final class LateFrames {
    private static final Logger LOG = LoggerFactory.getLogger(LateFrames.class);
    private static final long WARNING_INTERVAL_MS = 10_000;

    private final String stage;
    private final Counter skipped;
    /** How late, in ms, a live frame may reach the stage; Long.MAX_VALUE: never skipped. */
    private final long maxLagMs;
    private long lastWarning;

    LateFrames(String stage, SensoriumConfig.Vision vision) {
        this.stage = stage;
        this.skipped = Counter.builder("sensorium.vision.frames.skipped").tag("stage", stage)
                .description("live frames left out because they reached the stage too late (vision.live-frames)")
                .register(Metrics.globalRegistry);
        this.maxLagMs = vision.liveFrames().equals(SensoriumConfig.Vision.LATEST)
                ? Math.round(vision.liveMaxLagSeconds() * 1000) : Long.MAX_VALUE;
    }

    /** Whether the frame is of the kind this policy may skip: a live camera's, under {@code latest}. */
    boolean mayBeSkipped(Record<String, byte[]> frame) {
        return maxLagMs != Long.MAX_VALUE && flag(frame.headers(), LIVE);
    }

    /**
     * @param frame a camera's frame, stamped with when ingest read it
     * @return whether the frame is skipped (and so counted, and now and then warned of)
     */
    boolean skip(Record<String, byte[]> frame, long sequence) {
        long lagMs = System.currentTimeMillis() - frame.timestamp();
        if (lagMs <= maxLagMs || !mayBeSkipped(frame)) {
            return false;
        }
        skipped.increment();
        long now = System.currentTimeMillis();
        if (now - lastWarning >= WARNING_INTERVAL_MS) {
            lastWarning = now;
            LOG.warn("camera {}: frame {} reached the {} stage {} s after it was captured, more than"
                            + " vision.live-max-lag-seconds: skipped, as are live frames until the stage catches up ({} so far"
                            + " at this stage in this process); more CPU, a GPU, more instances or a lower video.fps would"
                            + " keep up", frame.key(), sequence, stage, String.format(Locale.ROOT, "%.1f", lagMs / 1000.0),
                    (long) skipped.count());
        }
        return true;
    }
}
