package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.kafka.DeadLetters;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.RecordHeaders;
import io.sensorium.ingest.video.TestImages;
import io.sensorium.ingest.video.VideoFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input matrix of {@code sensorium detect}, as the README runs it: the in-process broker, no bootstrap
 * servers configured. Among good inputs, every class of bad one — an empty file, a garbage file, a truncated image,
 * a PNG declaring 60000x60000 pixels (alone and in a folder), a truncated and a garbage video, a sound file, a folder
 * without images — is one line on stderr naming the file and the reason, the run exits 1, and everything readable still
 * comes out, in order: every still-image format and layout (BMP, TIFF, WebP, 16-bit, grey, alpha, GIF of normal
 * size and 2x2, CMYK JPEG). On the shared test broker, where the dead-letter topic outlives the run, each of those
 * lines is a dead letter of ingest whose reason starts with the same words.
 */
class VisionBadInputTest {
    private static final int VIDEO_FRAMES = 5;

    /** The sources of one run, in order, and what each must give. */
    private record Inputs(List<String> operands, Map<String, int[]> folderImages, Map<String, String> folderRefusals,
                          Map<String, String> refusals) {}

    @Test
    void eachBadInputIsOneLineOnStderrAndTheRestComesOut(@TempDir Path dir) throws Exception {
        Inputs inputs = inputs(dir);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("vision.model", TestPipeline.fixture("detr-tiny-random").toString());
        settings.put("vision.threads", "1");

        TestPipeline.CliRun run = TestPipeline.cli(List.of("detect"), settings, inputs.operands());

        assertThat(run.exit()).isEqualTo(UserFacingError.FAILED);
        List<String> expected = new ArrayList<>();
        inputs.folderRefusals().forEach((file, reason) -> expected.add("sensorium: mixed: " + dir.resolve("mixed").resolve(file) + " " + reason));
        inputs.refusals().forEach((stream, reason) -> expected.add("sensorium: " + stream + ": " + reason));
        assertThat(run.messages()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(run.messages().get(i)).startsWith(expected.get(i));
        }

        Map<String, List<FrameDetections>> byStream = run.stdout().lines()
                .map(line -> (FrameDetections) DetectionsJson.read(line.getBytes(StandardCharsets.UTF_8)))
                .collect(Collectors.groupingBy(FrameDetections::stream, LinkedHashMap::new, Collectors.toList()));
        assertThat(byStream.keySet()).containsExactlyInAnyOrder("chelsea.jpg", "mixed", "tiny.gif", "whole.mp4", "astronaut.png");
        assertThat(byStream.get("chelsea.jpg")).singleElement().extracting(FrameDetections::height).isEqualTo(300);
        assertThat(byStream.get("mixed").stream().map(f -> new int[] {f.width(), f.height()}).toList())
                .as("every readable image of the folder, in name order")
                .containsExactlyElementsOf(inputs.folderImages().values());
        assertThat(byStream.get("tiny.gif")).singleElement().extracting(FrameDetections::width).isEqualTo(2);
        assertThat(byStream.get("whole.mp4").stream().map(FrameDetections::frame).toList()).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(byStream.get("astronaut.png")).singleElement().extracting(FrameDetections::height).isEqualTo(512);
    }

    @Test
    void eachBadInputIsADeadLetterWithItsReason(@TempDir Path dir) throws Exception {
        Inputs inputs = inputs(dir);
        Map<String, String> settings = TestPipeline.isolatedVisionSettings("detr-tiny-random");

        TestPipeline.CliRun run = TestPipeline.cli(List.of("detect"), settings, inputs.operands());

        assertThat(run.exit()).isEqualTo(UserFacingError.FAILED);
        int letters = inputs.folderRefusals().size() + inputs.refusals().size();
        List<String> reported = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> letter : TestPipeline.readAll(settings.get("topics.dead-letters"), letters,
                Duration.ofSeconds(30))) {
            assertThat(RecordHeaders.text(letter.headers(), DeadLetters.STAGE)).isEqualTo("ingest-video");
            assertThat(letter.value()).isEmpty();
            String source = RecordHeaders.text(letter.headers(), RecordHeaders.SOURCE);
            assertThat(source).as("the source given on the command line").isIn(inputs.operands());
            reported.add("sensorium: " + letter.key() + ": " + RecordHeaders.text(letter.headers(), DeadLetters.ERROR));
        }
        assertThat(reported).hasSize(letters).hasSameSizeAs(run.messages());
        for (String message : run.messages()) {
            // The dead letter's reason goes on with the causes' own words (FFmpeg's, OpenCV's), for whoever operates it.
            assertThat(reported).as("the dead letter for: " + message).filteredOn(r -> r.startsWith(message)).hasSize(1);
        }
    }

    @Test
    void aMissingFileIsAUsageErrorBeforeAnythingRuns(@TempDir Path dir) {
        Map<String, String> settings = Map.of("vision.model", TestPipeline.fixture("detr-tiny-random").toString());
        Path missing = dir.resolve("missing.jpg");
        TestPipeline.CliRun run = TestPipeline.cli(List.of("detect"), settings,
                List.of(TestPipeline.fixture("images/chelsea.jpg").toString(), missing.toString()));
        assertThat(run.exit()).isEqualTo(UserFacingError.USAGE);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.messages()).containsExactly("sensorium: no such file or folder: " + missing);
    }

    @Test
    void aMissingBrokenOrForeignModelIsNamedWithWhatIsWrong(@TempDir Path dir) throws Exception {
        Path detr = TestPipeline.fixture("detr-tiny-random");
        Path broken = Files.createDirectories(dir.resolve("broken/onnx")).getParent();
        for (String file : List.of("config.json", "preprocessor_config.json")) {
            Files.copy(detr.resolve(file), broken.resolve(file));
        }
        Files.write(broken.resolve("onnx/model.onnx"), Arrays.copyOf(Files.readAllBytes(detr.resolve("onnx/model.onnx")), 1000));
        String image = TestPipeline.fixture("images/chelsea.jpg").toString();
        Map<Path, String> models = new LinkedHashMap<>();
        models.put(dir.resolve("absent"), "sensorium: no vision model at " + dir.resolve("absent"));
        models.put(broken, "sensorium: " + broken.resolve("onnx/model.onnx") + " is not a loadable ONNX graph");
        models.put(TestPipeline.fixture("whisper-tiny-random"), "sensorium: " + TestPipeline.fixture("whisper-tiny-random")
                .resolve("config.json") + ": model_type 'whisper'");
        for (Map.Entry<Path, String> model : models.entrySet()) {
            TestPipeline.CliRun run = TestPipeline.cli(List.of("detect"), Map.of("vision.model", model.getKey().toString()),
                    List.of(image));
            assertThat(run.exit()).as(run.stderr()).isNotZero();
            assertThat(run.stdout()).isEmpty();
            assertThat(run.messages()).singleElement().asString().startsWith(model.getValue());
        }
    }

    private static Inputs inputs(Path dir) throws Exception {
        Path chelsea = Files.copy(TestPipeline.fixture("images/chelsea.jpg"), dir.resolve("chelsea.jpg"));
        Path mixed = Files.createDirectory(dir.resolve("mixed"));
        Map<String, int[]> folderImages = TestImages.writeReadable(mixed);
        Map<String, String> folderRefusals = TestImages.writeUnreadable(mixed);

        Map<String, String> refusals = new LinkedHashMap<>();
        Path bomb = Files.write(dir.resolve("bomb.png"), TestImages.pngHeader(60_000, 60_000));
        refusals.put("bomb.png", bomb + " declares 60000x60000 = 3600000000 pixels, over the limit of 89478485");
        Path empty = Files.write(dir.resolve("empty.jpg"), new byte[0]);
        refusals.put("empty.jpg", empty + " is not a decodable image: the file is empty");
        Path tiny = dir.resolve("tiny.gif");
        TestImages.gif(tiny, 2, 2);
        Path whole = VideoFiles.mp4(dir.resolve("whole.mp4"), VIDEO_FRAMES, 10, 160, 120);
        byte[] video = Files.readAllBytes(whole);
        Path truncated = Files.write(dir.resolve("truncated.mp4"), Arrays.copyOf(video, video.length / 2));
        // Cut in half, the MP4 lost its index (the moov box, written last).
        refusals.put("truncated.mp4", "cannot open " + truncated + ": avformat_open_input(): Invalid data found when processing input");
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Path garbage = Files.write(dir.resolve("garbage.mp4"), noise);
        refusals.put("garbage.mp4", "cannot open " + garbage + ": avformat_open_input(): Invalid data found when processing input");
        Path sound = Files.copy(TestPipeline.fixture("audio/jfk.wav"), dir.resolve("jfk.wav"));
        refusals.put("jfk.wav", sound + " has no pictures: FFmpeg finds no video stream in it");
        Path noImages = Files.createDirectory(dir.resolve("no-images"));
        refusals.put("no-images", noImages + " holds no image files (jpg, jpeg, png, gif, bmp, tif, tiff, webp)");
        Path astronaut = Files.copy(TestPipeline.fixture("images/astronaut.png"), dir.resolve("astronaut.png"));

        List<String> operands = List.of(chelsea, mixed, bomb, empty, tiny, truncated, garbage, whole, sound, noImages, astronaut)
                .stream().map(Path::toString).toList();
        return new Inputs(operands, folderImages, folderRefusals, refusals);
    }
}
