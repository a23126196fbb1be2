package io.sensorium.cli;

import io.sensorium.ingest.audio.AudioIngest;
import io.sensorium.ingest.audio.RawFormat;
import picocli.CommandLine.Option;

/** How the audio commands read their sources: headerless PCM, and pacing files as if they were live. */
final class AudioInputOptions {
    @Option(names = "--input-format", paramLabel = "FMT",
            description = "Read the sources as this FFmpeg format (raw PCM: s16le, f32le, mulaw...) instead of telling it from the data.")
    String format;

    @Option(names = "--input-rate", paramLabel = "HZ", description = "Sample rate of raw input (with --input-format; FFmpeg's default 44100).")
    Integer rate;

    @Option(names = "--input-channels", paramLabel = "N", description = "Channels of raw input (with --input-format; default 1).")
    Integer channels;

    @Option(names = "--realtime", description = "Publish each source no faster than it plays (1x), as if it were live.")
    boolean realtime;

    /** @throws UserFacingError a usage error for a rate or channel count without a format, or one out of range */
    AudioIngest.Reading reading() {
        if (format == null) {
            if (rate != null || channels != null) {
                throw new UserFacingError("--input-rate and --input-channels describe raw input: give --input-format with"
                        + " them (e.g. --input-format s16le)", UserFacingError.USAGE);
            }
            return new AudioIngest.Reading(null, realtime);
        }
        if (rate != null && rate <= 0 || channels != null && channels <= 0) {
            throw new UserFacingError("--input-rate and --input-channels must be more than 0", UserFacingError.USAGE);
        }
        return new AudioIngest.Reading(new RawFormat(format, rate, channels), realtime);
    }
}
