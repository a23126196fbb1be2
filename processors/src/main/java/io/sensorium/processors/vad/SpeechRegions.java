package io.sensorium.processors.vad;

import io.sensorium.core.config.SensoriumConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one stream's speech is, from its windows' speech probabilities as they arrive: faster-whisper's
 * get_speech_timestamps (Silero's, with its VadOptions) run incrementally. A region opens at a window scoring at least
 * {@code threshold} and closes where the probability fell below {@code neg-threshold} once that has lasted
 * {@code min-silence-duration-ms}; regions no longer than {@code min-speech-duration-ms} are dropped; each is padded
 * by {@code speech-pad-ms}, or by half the gap when two are closer than twice that. (faster-whisper's
 * max_speech_duration_s is infinite by default and has no key here.)
 *
 * <p>Until the stream ends, what is not yet known counts as speech: an open region reaches on indefinitely and a
 * region may still open {@code speech-pad-ms} before the last window scored. All positions are in samples.
 */
public final class SpeechRegions {
    private static final int VERSION = 1;
    private static final long UNKNOWN = Long.MAX_VALUE;

    private final double threshold;
    private final double negThreshold;
    private final long minSpeech;
    private final long minSilence;
    private final long pad;

    private long windows;
    private boolean triggered;
    private long openStart;
    /** Where the silence that may close the open region began; 0 while there is none (as in the reference). */
    private long tempEnd;
    /** Closed regions not yet dropped, unpadded {start, end}. */
    private final List<long[]> closed = new ArrayList<>();
    /** Unpadded end of the last dropped region, which pads the next one's start; -1 if none. */
    private long droppedEnd = -1;
    /** The stream's length once it has ended; until then later speech may still come. */
    private long streamEnd = UNKNOWN;

    public SpeechRegions(SensoriumConfig.VadOptions options) {
        this.threshold = options.threshold();
        this.negThreshold = options.negThresholdOrDefault();
        this.minSpeech = samples(options.minSpeechDurationMs());
        this.minSilence = samples(options.minSilenceDurationMs());
        this.pad = samples(options.speechPadMs());
    }

    /** A duration of the VAD's options in samples. */
    public static long samples(int ms) {
        return (long) SileroVad.SAMPLE_RATE * ms / 1000;
    }

    /** Index of the next window whose probability {@link #accept} expects. */
    public long windows() {
        return windows;
    }

    public void accept(float[] probabilities) {
        for (float p : probabilities) {
            step(p, windows++ * SileroVad.WINDOW);
        }
    }

    private void step(float p, long at) {
        if (p >= threshold && tempEnd != 0) {
            tempEnd = 0;
        }
        if (p >= threshold && !triggered) {
            triggered = true;
            openStart = at;
        } else if (p < negThreshold && triggered) {
            if (tempEnd == 0) {
                tempEnd = at;
            }
            if (at - tempEnd >= minSilence) {
                close(tempEnd);
            }
        }
    }

    private void close(long end) {
        if (end - openStart > minSpeech) {
            closed.add(new long[] {openStart, end});
        }
        triggered = false;
        tempEnd = 0;
    }

    /** The stream ended after {@code length} samples: an open region ends there, and no more speech will come. */
    public void finish(long length) {
        if (triggered) {
            close(length);
        }
        streamEnd = length;
    }

    /**
     * The first position at or after {@code from} that is speech or may yet turn out to be; {@link Long#MAX_VALUE}
     * when the stream has ended without more speech.
     */
    public long nextSpeech(long from) {
        for (int i = 0; i < closed.size(); i++) {
            if (paddedEnd(i) > from) {
                return Math.max(from, paddedStart(i));
            }
        }
        if (triggered) {
            return Math.max(from, paddedStart(openStart, lastEnd()));
        }
        return streamEnd == UNKNOWN ? Math.max(from, windows * SileroVad.WINDOW - pad) : UNKNOWN;
    }

    /**
     * The first position at or after {@code from} that is known to be speech, in a region closed or still open;
     * {@link Long#MAX_VALUE} when there is none so far. Unlike {@link #nextSpeech}, what has not been scored yet
     * does not count: live transcription asks this before it decodes, and must not decode on a guess.
     */
    public long knownSpeech(long from) {
        long silent = silentSince();
        if (silent >= 0 && from >= silent) {
            // The open region's speech stopped there; whether it goes on is not known yet.
            return UNKNOWN;
        }
        long next = nextSpeech(from);
        boolean inRegion = triggered || !closed.isEmpty() && paddedEnd(closed.size() - 1) > from;
        return inRegion ? next : UNKNOWN;
    }

    /**
     * Where the silence that may yet close the open region began, in samples: the speaker has paused since; -1 while
     * no region is open or its speech goes on.
     */
    public long silentSince() {
        return triggered && tempEnd != 0 ? tempEnd : -1;
    }

    /**
     * Whether {@code [from, to]} touches speech, or what may yet turn out to be speech. Closed, so that a segment
     * Whisper gives no duration (two equal timestamps) is kept where it lies in speech.
     */
    public boolean overlaps(long from, long to) {
        return nextSpeech(from) <= to;
    }

    /** Forgets the regions that end at or before {@code position}: no question about them will come. */
    public void dropBefore(long position) {
        while (!closed.isEmpty() && paddedEnd(0) <= position) {
            droppedEnd = closed.remove(0)[1];
        }
    }

    private long lastEnd() {
        return closed.isEmpty() ? droppedEnd : closed.get(closed.size() - 1)[1];
    }

    private long paddedStart(int i) {
        return paddedStart(closed.get(i)[0], i == 0 ? droppedEnd : closed.get(i - 1)[1]);
    }

    private long paddedStart(long start, long previousEnd) {
        long gap = start - previousEnd;
        return Math.max(0, previousEnd >= 0 && gap < 2 * pad ? start - gap / 2 : start - pad);
    }

    private long paddedEnd(int i) {
        long end = closed.get(i)[1];
        long nextStart = i + 1 < closed.size() ? closed.get(i + 1)[0] : triggered ? openStart : UNKNOWN;
        long gap = nextStart - end;
        long padded = nextStart != UNKNOWN && gap < 2 * pad ? end + gap / 2 : end + pad;
        return Math.min(padded, streamEnd);
    }

    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(48 + 16 * closed.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(windows);
            out.writeBoolean(triggered);
            out.writeLong(openStart);
            out.writeLong(tempEnd);
            out.writeLong(droppedEnd);
            out.writeInt(closed.size());
            for (long[] region : closed) {
                out.writeLong(region[0]);
                out.writeLong(region[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static SpeechRegions restore(SensoriumConfig.VadOptions options, byte[] snapshot) {
        SpeechRegions regions = new SpeechRegions(options);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("speech region state of version " + version + " is not readable by this build");
            }
            regions.windows = in.readLong();
            regions.triggered = in.readBoolean();
            regions.openStart = in.readLong();
            regions.tempEnd = in.readLong();
            regions.droppedEnd = in.readLong();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                regions.closed.add(new long[] {in.readLong(), in.readLong()});
            }
            return regions;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt speech region state", e);
        }
    }

    /** The regions known so far, padded: {start, end} in samples. */
    public List<long[]> regions() {
        List<long[]> padded = new ArrayList<>();
        for (int i = 0; i < closed.size(); i++) {
            padded.add(new long[] {paddedStart(i), paddedEnd(i)});
        }
        return padded;
    }
}
