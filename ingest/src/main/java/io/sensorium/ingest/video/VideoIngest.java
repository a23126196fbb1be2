package io.sensorium.ingest.video;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.ImageFrame;
import io.sensorium.core.records.ImageFrameSerde;
import io.sensorium.core.records.RecordHeaders;
import io.sensorium.ingest.Backoff;
import io.sensorium.ingest.IngestRecords;
import io.sensorium.ingest.InputPaths;
import io.sensorium.ingest.Reconnector;
import io.sensorium.ingest.StopLatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes image and video sources as streams of JPEG {@link ImageFrame}s keyed by camera / stream id: a still
 * image, a folder of them, a video file, or a live URL. A live source that drops is reconnected with back-off and
 * its frame numbers and times go on; a file source ends with an end marker. What cannot be read becomes a dead
 * letter naming the source (for a folder, the one image; the rest go on).
 */
public final class VideoIngest {
    private static final Logger LOG = LoggerFactory.getLogger(VideoIngest.class);
    static final String STAGE = "ingest-video";

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String deadLetterTopic;
    private final SensoriumConfig.Video video;
    private final ImageFrameSerde serde = new ImageFrameSerde(Integer.MAX_VALUE);
    private final SensoriumConfig.Live live;
    private final StopLatch stopped = new StopLatch();
    private final Backoff.Sleeper sleeper;
    /** Null where live frames are not paced. */
    private final LivePacing pacing;

    /** @param pacing how fast the vision stage takes live cameras' frames, or null to publish every one */
    public VideoIngest(Producer<String, byte[]> producer, String topic, String deadLetterTopic, SensoriumConfig.Video video,
                       SensoriumConfig.Live live, LivePacing pacing) {
        this(producer, topic, deadLetterTopic, video, live, pacing, null);
    }

    /** @param sleeper how reconnect waits are spent; null waits on the clock, cut short by {@link #stop()} */
    VideoIngest(Producer<String, byte[]> producer, String topic, String deadLetterTopic, SensoriumConfig.Video video,
                SensoriumConfig.Live live, LivePacing pacing, Backoff.Sleeper sleeper) {
        this.pacing = pacing;
        this.producer = producer;
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
        this.video = video;
        this.live = live;
        this.sleeper = sleeper != null ? sleeper : stopped;
    }

    /**
     * What became of one source.
     *
     * @param frames      frames published
     * @param skipped     why each image of a folder that could not be decoded was skipped (each a dead letter)
     * @param attempts    times a live source was opened or tried: the first time and every reconnection
     * @param connections how many of those attempts connected
     * @param error       why the source ended early, or null
     */
    public record Result(String streamId, String source, long frames, List<String> skipped, int attempts, int connections,
                         boolean streamClosed, String error) {
        public boolean ok() {
            return problems().isEmpty();
        }

        /** What went wrong, for a person, one line each: the error that ended the source, then each image skipped. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (error != null) {
                problems.add(error);
            }
            problems.addAll(skipped);
            return problems;
        }
    }

    /** Asks every running {@link #publish} to finish: live sources stop and close their streams. */
    public void stop() {
        stopped.stop();
    }

    private boolean stopping() {
        return stopped.stopped();
    }

    /** Publishes {@code source} as stream {@code streamId}; returns once Kafka has acknowledged it. */
    public Result publish(String streamId, String source) {
        boolean isLive = InputPaths.isUrl(source);
        Publication run = new Publication(streamId, source);
        String error = isLive ? run.live() : run.file();
        boolean close = error == null || run.sequence > 0;
        if (close) {
            run.last = send(ImageFrame.end(streamId, run.sequence), source, run.refused, System.currentTimeMillis());
        }
        producer.flush();
        IngestRecords.await(run.last, streamId);
        if (run.refused.get() != null && error == null) {
            // A frame Kafka refused (its limits, a send that timed out) is lost to the stream: said, not dropped.
            error = "Kafka refused frames of this stream: " + run.refused.get().getMessage();
            IngestRecords.deadLetter(producer, deadLetterTopic, STAGE, streamId, source, run.refused.get());
            producer.flush();
        }
        LOG.info("{} as stream '{}': {} frames, {} skipped{}{}{}", source, streamId, run.sequence, run.skipped.size(),
                run.paced ? ", " + run.held + " held back for the vision stage (vision.live-pacing)" : "",
                isLive ? ", " + run.connections + " connections in " + run.attempts + " attempts" : "",
                error == null ? "" : "; " + error);
        return new Result(streamId, source, run.sequence, List.copyOf(run.skipped), run.attempts, run.connections, close, error);
    }

    /** The state of one source's publication. */
    private final class Publication {
        final String streamId;
        final String source;
        final FrameSampler sampler = new FrameSampler(video.fps());
        final boolean paced;
        long sequence;
        /** Frames read and not published: the vision stage had not yet answered enough of those before. */
        long held;
        final List<String> skipped = new ArrayList<>();
        int attempts;
        int connections;
        long timeOffset;
        long lastTimestamp = -1;
        Future<RecordMetadata> last;
        /** The first send of this stream Kafka refused, if any. */
        final AtomicReference<Exception> refused = new AtomicReference<>();

        Publication(String streamId, String source) {
            this.streamId = streamId;
            this.source = source;
            this.paced = pacing != null && InputPaths.isUrl(source);
        }

        /** @return the error that ended the file early, or null */
        String file() {
            Path path = Path.of(source);
            if (!Files.exists(path)) {
                return fail(new FrameSourceException("no such file or folder: " + source));
            }
            boolean folder = Files.isDirectory(path);
            try (FrameSource frames = folder || ImageFolderSource.isImage(path)
                    ? new ImageFolderSource(path, video.maxSourcePixels()) : GrabberSource.pictures(source, video.maxSourcePixels())) {
                drain(frames);
                if (sequence == 0 && skipped.isEmpty() && !stopping()) {
                    // Nothing came out and nothing was skipped: a file that opens but decodes to nothing (a video cut
                    // short), or a folder without images, would otherwise pass for a success.
                    throw new FrameSourceException(folder
                            ? source + " holds no image files (" + String.join(", ", ImageFolderSource.EXTENSIONS) + ")"
                            : source + " has no frame that FFmpeg can decode");
                }
                return null;
            } catch (FrameSourceException e) {
                return fail(e);
            }
        }

        /** Reads until stopped or the reconnect attempts run out; @return the error that ended it, or null */
        String live() {
            Reconnector reconnector = new Reconnector(source, live, sleeper, VideoIngest.this::stopping);
            String gaveUp = reconnector.keepReading(connected -> {
                try (GrabberSource frames = GrabberSource.pictures(source, video.maxSourcePixels())) {
                    connected.run();
                    timeOffset = lastTimestamp + 1;
                    drain(frames);
                    return null;
                } catch (FrameSourceException e) {
                    return e.getMessage();
                }
            });
            attempts = reconnector.attempts();
            connections = reconnector.connections();
            return gaveUp == null ? null : fail(new FrameSourceException(gaveUp));
        }

        /** Publishes the source's frames until it ends or ingest is stopped. */
        void drain(FrameSource frames) {
            try (FrameEncoder encoder = new FrameEncoder(video.maxSide(), video.jpegQuality())) {
                drain(frames, encoder);
            }
        }

        private void drain(FrameSource frames, FrameEncoder encoder) {
            while (!stopping()) {
                ImageFrame published;
                long readAt;
                try {
                    VideoFrame frame = frames.next();
                    if (frame == null) {
                        return;
                    }
                    long timestamp = timeOffset + frame.timestampMicros();
                    if (frames.timed() && !sampler.keep(timestamp)) {
                        continue;
                    }
                    readAt = System.currentTimeMillis();
                    if (paced && !pacing.admit(streamId, readAt)) {
                        held++;
                        continue;
                    }
                    byte[] jpeg = encoder.encode(frame);
                    int[] size = encoder.publishedSize(frame.width(), frame.height());
                    published = new ImageFrame(streamId, sequence, timestamp, size[0], size[1], false, jpeg);
                } catch (FrameSourceException e) {
                    if (!frames.skipsBrokenFrames()) {
                        throw e;
                    }
                    skipped.add(e.getMessage());
                    deadLetter(e);
                    continue;
                }
                last = send(published, source, refused, readAt);
                sequence++;
                lastTimestamp = published.timestampMicros();
            }
        }

        private String fail(FrameSourceException e) {
            deadLetter(e);
            return e.getMessage();
        }

        private void deadLetter(FrameSourceException e) {
            LOG.warn("{}: {}", source, e.getMessage());
            IngestRecords.deadLetter(producer, deadLetterTopic, STAGE, streamId, source, e);
        }
    }

    /** @param readAt when ingest read the frame: its record's timestamp, from which the stages measure its lag */
    private Future<RecordMetadata> send(ImageFrame frame, String source, AtomicReference<Exception> refused, long readAt) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, readAt,
                frame.streamId(), frame.jpeg());
        serde.writeHeaders(frame, record.headers());
        RecordHeaders.put(record.headers(), RecordHeaders.SOURCE, source);
        if (InputPaths.isUrl(source)) {
            RecordHeaders.put(record.headers(), RecordHeaders.LIVE, true);
        }
        return producer.send(record, (metadata, e) -> {
            if (e != null) {
                refused.compareAndSet(null, e);
            }
        });
    }
}
