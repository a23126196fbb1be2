package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_SUBTITLE;

import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.PointerPointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code transcribe --format srt|vtt|tsv|txt|json} of jfk.wav, to standard output and with {@code --output-dir}: the
 * subtitles (real tiny.en) are read back by FFmpeg's own SubRip and WebVTT demuxers, and their cues have the times and texts of the
 * segments the run put on the transcripts topic (written as JSON lines by {@code --format json --output-dir}).
 */
class SubtitleFilesTest {
    private static Map<String, String> settings;
    private static List<TranscriptSegment> segments;
    @TempDir
    static Path dir;

    @BeforeAll
    static void transcribeAsJsonLines() throws Exception {
        settings = TestPipeline.isolatedSettings();
        // Real weights: the random-weight fixture's text ends in cues of no length, which FFmpeg's demuxers merge.
        settings.put("speech.model", TestPipeline.realTinyEn());
        TestPipeline.CliRun run = transcribe("--format", "json", "--output-dir", dir.resolve("json").toString());
        assertThat(run.stdout()).isEmpty();
        assertThat(run.messages()).containsExactly("sensorium: jfk.wav -> " + dir.resolve("json/jfk.jsonl"));
        List<Object> records = Files.readAllLines(dir.resolve("json/jfk.jsonl")).stream()
                .map(line -> TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8))).toList();
        assertThat(records).last().isInstanceOf(TranscriptEnd.class);
        segments = records.stream().filter(TranscriptSegment.class::isInstance).map(TranscriptSegment.class::cast).toList();
        assertThat(segments).as("tiny.en's segments of jfk.wav").hasSizeGreaterThan(1);
    }

    private static TestPipeline.CliRun transcribe(String... options) {
        List<String> operands = new ArrayList<>(List.of(options));
        operands.add(TestPipeline.fixture("audio/jfk.wav").toString());
        TestPipeline.CliRun run = TestPipeline.cli(List.of("transcribe"), settings, operands);
        assertThat(run.exit()).as(run.stderr()).isZero();
        return run;
    }

    @Test
    void srtOnStandardOutputIsReadByFfmpegWithTheSegmentsTimesAndTexts() throws Exception {
        Path srt = Files.writeString(dir.resolve("stdout.srt"), transcribe("--format", "srt").stdout());
        assertThat(Files.readString(srt)).startsWith("1\n00:00:");
        assertThat(cues(srt)).containsExactlyElementsOf(expectedCues());
    }

    @Test
    void vttInTheOutputDirectoryIsReadByFfmpegWithTheSegmentsTimesAndTexts() throws Exception {
        transcribe("--format", "vtt", "--output-dir", dir.resolve("vtt").toString());
        Path vtt = dir.resolve("vtt/jfk.vtt");
        assertThat(Files.readString(vtt)).startsWith("WEBVTT\n\n00:00:");
        assertThat(cues(vtt)).containsExactlyElementsOf(expectedCues());
    }

    @Test
    void tsvAndTxtHoldOneLinePerSegment() {
        List<String> tsv = transcribe("--format", "tsv").stdout().lines().toList();
        assertThat(tsv).first().isEqualTo("start\tend\ttext");
        assertThat(tsv.subList(1, tsv.size())).containsExactlyElementsOf(segments.stream().map(s ->
                Math.round(s.start() * 1000) + "\t" + Math.round(s.end() * 1000) + "\t" + s.text().strip()).toList());
        assertThat(transcribe("--format", "txt").stdout().lines().toList())
                .containsExactlyElementsOf(segments.stream().map(s -> s.text().strip()).toList());
    }

    @Test
    void aFileFormatForSeveralSourcesOnStandardOutputOrTextInFilesIsRefused() {
        String jfk = TestPipeline.fixture("audio/jfk.wav").toString();
        TestPipeline.CliRun two = TestPipeline.cli(List.of("transcribe"), settings, List.of("--format", "srt", jfk, jfk));
        assertThat(two.exit()).isEqualTo(UserFacingError.USAGE);
        assertThat(two.messages()).singleElement().asString().contains("give --output-dir DIR for a file per source");
        TestPipeline.CliRun text = TestPipeline.cli(List.of("transcribe"), settings,
                List.of("--format", "text", "--output-dir", dir.resolve("text").toString(), jfk));
        assertThat(text.exit()).isEqualTo(UserFacingError.USAGE);
        assertThat(text.messages()).singleElement().asString().contains("give txt");
    }

    private static List<String> expectedCues() {
        return segments.stream().map(s -> Math.round(s.start() * 1000) + " " + Math.round(s.end() * 1000) + " "
                + s.text().strip()).toList();
    }

    /** The cues of a subtitle file as FFmpeg reads them: start and end in milliseconds, and the text. */
    private static List<String> cues(Path file) {
        AVFormatContext context = new AVFormatContext(null);
        assertThat(avformat_open_input(context, file.toString(), null, (AVDictionary) null)).as("FFmpeg opens " + file).isZero();
        List<String> cues = new ArrayList<>();
        AVPacket packet = av_packet_alloc();
        try {
            assertThat(avformat_find_stream_info(context, (PointerPointer<?>) null)).isGreaterThanOrEqualTo(0);
            AVStream stream = context.streams(0);
            assertThat(stream.codecpar().codec_type()).isEqualTo(AVMEDIA_TYPE_SUBTITLE);
            double unit = 1000.0 * stream.time_base().num() / stream.time_base().den();
            while (av_read_frame(context, packet) >= 0) {
                byte[] text = new byte[packet.size()];
                packet.data().get(text);
                cues.add(Math.round(packet.pts() * unit) + " " + Math.round((packet.pts() + packet.duration()) * unit) + " "
                        + new String(text, StandardCharsets.UTF_8).strip());
                av_packet_unref(packet);
            }
        } finally {
            av_packet_free(packet);
            avformat_close_input(context);
        }
        return cues;
    }
}
