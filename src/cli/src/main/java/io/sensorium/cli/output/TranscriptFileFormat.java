package io.sensorium.cli.output;

import io.sensorium.core.records.JsonRecords;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptSegment;
import java.util.Locale;

/**
 * The final transcript of a stream as a file, in the formats openai-whisper and whisper.cpp write: the records as on
 * the transcripts topic (JSON lines, partials left out), plain text, SubRip and WebVTT subtitles, tab-separated
 * milliseconds. A format writes a header, then each segment as it comes (live streams too), then a footer.
 */
public enum TranscriptFileFormat {
    JSON("jsonl") {
        @Override
        String segment(int index, TranscriptSegment segment) {
            return JsonRecords.writeString(segment) + "\n";
        }

        @Override
        String end(TranscriptEnd end) {
            return JsonRecords.writeString(end) + "\n";
        }
    },
    TXT("txt") {
        @Override
        String segment(int index, TranscriptSegment segment) {
            return segment.text().strip() + "\n";
        }
    },
    SRT("srt") {
        @Override
        String segment(int index, TranscriptSegment segment) {
            return cue(index + 1 + "\n", clock(segment.start(), ','), clock(segment.end(), ','), segment);
        }
    },
    VTT("vtt") {
        @Override
        String header() {
            return "WEBVTT\n\n";
        }

        @Override
        String segment(int index, TranscriptSegment segment) {
            return cue("", clock(segment.start(), '.'), clock(segment.end(), '.'), segment);
        }
    },
    TSV("tsv") {
        @Override
        String header() {
            return "start\tend\ttext\n";
        }

        @Override
        String segment(int index, TranscriptSegment segment) {
            // Whole milliseconds, as openai-whisper's TSV: a spreadsheet reads them as numbers.
            return Math.round(segment.start() * 1000) + "\t" + Math.round(segment.end() * 1000) + "\t"
                    + segment.text().strip().replace('\t', ' ') + "\n";
        }
    };

    private final String extension;

    TranscriptFileFormat(String extension) {
        this.extension = extension;
    }

    /** The file name ending, without the dot. */
    public String extension() {
        return extension;
    }

    String header() {
        return "";
    }

    /** @param index the segment's place among the stream's written so far, from 0 */
    abstract String segment(int index, TranscriptSegment segment);

    String end(TranscriptEnd end) {
        return "";
    }

    /** A subtitle cue; "-->" in the text would end its timing line's meaning early, so it is written "->". */
    private static String cue(String number, String start, String end, TranscriptSegment segment) {
        return number + start + " --> " + end + "\n" + segment.text().strip().replace("-->", "->") + "\n\n";
    }

    private static String clock(double seconds, char decimalMark) {
        long millis = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", millis / 3_600_000, millis / 60_000 % 60,
                millis / 1000 % 60, decimalMark, millis % 1000);
    }
}
