package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.DetectionsEnd;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.ingest.video.VideoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sensorium reprocess vision}: frames that {@code detect} published with one vision model (random DETR) go
 * through another (random YOLOS), and each frame's detections equal what {@code detect} with that model gives for
 * the same files, once each, with each stream's end marker.
 */
class ReprocessVisionTest {
    private static final List<String> STREAMS = List.of("photos", "clip.mp4");

    private static Map<String, List<Object>> byStream(String topic) {
        return ReprocessStreams.byStream(topic, STREAMS.size(), DetectionsJson::read, DetectionsEnd.class);
    }

    @Test
    void framesGoThroughAnotherModel(@TempDir Path dir) throws Exception {
        Path photos = Files.createDirectory(dir.resolve("photos"));
        for (String photo : List.of("astronaut.png", "chelsea.jpg")) {
            Files.copy(TestPipeline.fixture("images/" + photo), photos.resolve(photo));
        }
        List<String> sources = List.of(photos.toString(), VideoFiles.mp4(dir.resolve("clip.mp4"), 6, 10, 320, 240).toString());
        Map<String, String> settings = TestPipeline.isolatedVisionSettings("detr-tiny-random");
        assertThat(TestPipeline.cli(List.of("detect"), settings, sources).exit()).isZero();

        // The reference: detect with the other model, on frames and detections topics of its own.
        String yolos = TestPipeline.fixture("yolos-tiny-random").toString();
        Map<String, String> reference = new LinkedHashMap<>(settings);
        reference.put("vision.model", yolos);
        // Groups of its own too, so that its stages' state (the trackers') starts empty, as the reprocessing run's does.
        reference.put("kafka.application-id-prefix", settings.get("kafka.application-id-prefix") + "-reference");
        reference.put("topics.frames", settings.get("topics.frames") + ".reference");
        reference.put("topics.pixels", settings.get("topics.pixels") + ".reference");
        reference.put("topics.detections", settings.get("topics.detections") + ".reference");
        assertThat(TestPipeline.cli(List.of("detect"), reference, sources).exit()).isZero();

        Map<String, String> reprocess = new LinkedHashMap<>(settings);
        reprocess.put("vision.model", yolos);
        String output = settings.get("topics.detections") + ".yolos";
        TestPipeline.CliRun run = TestPipeline.cli(List.of("reprocess", "vision"), reprocess,
                List.of("--from", "earliest", "--to", "now", "--output", output));
        assertThat(run.exit()).as(run.stderr()).isZero();

        Map<String, List<Object>> want = byStream(reference.get("topics.detections"));
        Map<String, List<Object>> got = byStream(output);
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(STREAMS);
        for (String stream : STREAMS) {
            List<Object> frames = got.get(stream);
            assertThat(frames).as(stream).hasSameSizeAs(want.get(stream));
            for (int i = 0; i < frames.size(); i++) {
                if (frames.get(i) instanceof FrameDetections frame) {
                    FrameDetections expected = (FrameDetections) want.get(stream).get(i);
                    assertThat(frame.frame()).isEqualTo(expected.frame());
                    assertThat(frame.model()).isEqualTo("yolos-tiny-random");
                    assertThat(frame.detections()).isEqualTo(expected.detections());
                } else {
                    assertThat(frames.get(i)).isEqualTo(want.get(stream).get(i)).isInstanceOf(DetectionsEnd.class);
                }
            }
        }

        TestPipeline.CliRun compared = TestPipeline.cli(List.of("reprocess", "vision"), reprocess,
                List.of("--from", "earliest", "--to", "now", "--output", output, "--compare", settings.get("topics.detections")));
        assertThat(compared.exit()).isZero();
        assertThat(compared.stdout().lines()).hasSize(STREAMS.size() + 1)
                .anyMatch(line -> line.startsWith("photos: 2 frames on both; detection count changed in "))
                .anyMatch(line -> line.startsWith("total: 8 frames on both; "));
    }
}
