package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.DetectionsEnd;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.ingest.video.VideoFiles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * A path through the stages as the cluster tests run it, each {@code process} command in a JVM of its own: the stage
 * under test and the one that feeds it, streams published to its input, and its output records read back as what
 * exactly-once is about — each the n-th item of its stream, or the stream's end record with the count.
 */
enum StagePath {
    /** Audio -> features -> transcript segments: streams of jfk.wav said four times over, several windows each. */
    SPEECH("audio", "features", "speech", "topics.transcripts") {
        @Override
        Map<String, String> settings() {
            return TestPipeline.isolatedSettings();
        }

        @Override
        Path writeStream(Path dir, int number) throws Exception {
            short[] jfk = pcm(TestPipeline.fixture("audio/jfk.wav"));
            short[] repeated = new short[jfk.length * JFK_REPEATS];
            for (int i = 0; i < JFK_REPEATS; i++) {
                System.arraycopy(jfk, 0, repeated, i * jfk.length, jfk.length);
            }
            return TestPipeline.writeWav(dir.resolve("call-" + number + ".wav"), repeated);
        }

        @Override
        Item item(byte[] value) {
            Object record = TranscriptJson.read(value);
            if (record instanceof TranscriptSegment segment) {
                return new Item(segment.stream(), segment.segment(), false);
            }
            TranscriptEnd end = (TranscriptEnd) record;
            return new Item(end.stream(), end.segments(), true);
        }
    },
    /** Frames -> pixel input -> detections (random-weight DETR): short videos, a record per frame. */
    VISION("video", "vision-preprocess", "vision", "topics.detections") {
        @Override
        Map<String, String> settings() {
            return TestPipeline.isolatedVisionSettings("detr-tiny-random");
        }

        @Override
        Path writeStream(Path dir, int number) throws Exception {
            return VideoFiles.mp4(dir.resolve("cam-" + number + ".mp4"), VIDEO_FRAMES, 10, 320, 240);
        }

        @Override
        Item item(byte[] value) {
            Object record = DetectionsJson.read(value);
            if (record instanceof FrameDetections frame) {
                return new Item(frame.stream(), frame.frame(), false);
            }
            DetectionsEnd end = (DetectionsEnd) record;
            return new Item(end.stream(), end.frames(), true);
        }
    };

    private static final int JFK_REPEATS = 4;
    private static final int VIDEO_FRAMES = 20;

    /** An output record: the {@code number}-th item of {@code stream}, or its end record saying it had that many. */
    record Item(String stream, long number, boolean end) {}

    /** What {@code ingest MEDIA} publishes. */
    private final String media;
    /** What {@code process UPSTREAM} makes of the input, for the stage under test. */
    final String upstream;
    /** The stage under test, as {@code process} names it. */
    final String stage;
    private final String outputKey;

    StagePath(String media, String upstream, String stage, String outputKey) {
        this.media = media;
        this.upstream = upstream;
        this.stage = stage;
        this.outputKey = outputKey;
    }

    /** Topics and consumer groups of the test's own on the shared test broker. */
    abstract Map<String, String> settings();

    /** Publishes {@code streams} streams, written to files in {@code dir}, to the path's input topic. */
    void publish(Path dir, Map<String, String> settings, int streams) throws Exception {
        List<String> files = new ArrayList<>();
        for (int i = 1; i <= streams; i++) {
            files.add(writeStream(dir, i).toString());
        }
        assertThat(TestPipeline.cli(List.of("ingest", media), settings, files).exit()).isZero();
    }

    /** The file of stream {@code number}, in {@code dir}. */
    abstract Path writeStream(Path dir, int number) throws Exception;

    abstract Item item(byte[] value);

    String outputTopic(Map<String, String> settings) {
        return settings.get(outputKey);
    }

    /** The stage's consumer group. */
    String group(Map<String, String> settings) {
        return settings.get("kafka.application-id-prefix") + "-" + stage;
    }

    private static short[] pcm(Path wav) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            byte[] bytes = in.readAllBytes();
            short[] samples = new short[bytes.length / 2];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
            return samples;
        }
    }
}
