package io.sensorium.core.records;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.StringJoiner;
import org.apache.kafka.common.header.Headers;

/**
 * Writes and reads {@link FeatureChunk}s. Schema {@value #SCHEMA}, see RECORD-FORMATS.md.
 *
 * <p>Each value is stored as an unsigned 16-bit fixed-point number, {@code round((v + 10) * 4096)}. Log10 mel power
 * lies in [-10, 4.7] for audio in [-1, 1], so the range [-10, 6) loses nothing, and the step of 1/4096 keeps the
 * error after Whisper's (x + 4) / 4 scaling under 3.1e-5 — float16 would be the same size but err up to 1e-3 near
 * -8, which is where Whisper's floor sits.
 */
public final class FeatureChunkSerde {
    public static final String SCHEMA = "logmel-u16/2";
    static final float OFFSET = 10f;
    static final float SCALE = 4096f;

    private final int maxValueBytes;

    public FeatureChunkSerde(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    public void writeHeaders(FeatureChunk chunk, Headers headers) {
        RecordHeaders.put(headers, RecordHeaders.SCHEMA, SCHEMA);
        RecordHeaders.put(headers, RecordHeaders.STREAM, chunk.streamId());
        RecordHeaders.put(headers, RecordHeaders.SEQUENCE, chunk.sequence());
        RecordHeaders.put(headers, RecordHeaders.FIRST_FRAME, chunk.firstFrame());
        RecordHeaders.put(headers, RecordHeaders.MEL_BINS, chunk.melBins());
        RecordHeaders.put(headers, RecordHeaders.STREAM_SAMPLES, chunk.streamSamples());
        RecordHeaders.put(headers, RecordHeaders.END_OF_STREAM, chunk.endOfStream());
        if (chunk.speechProbabilities() != null) {
            RecordHeaders.put(headers, RecordHeaders.VAD_WINDOW, chunk.vadWindow());
            StringJoiner probabilities = new StringJoiner(",");
            for (float p : chunk.speechProbabilities()) {
                probabilities.add(String.format(Locale.ROOT, "%.4f", p));
            }
            RecordHeaders.put(headers, RecordHeaders.SPEECH_PROB, probabilities.toString());
        }
    }

    private static float[] probabilities(String text) {
        if (text.isEmpty()) {
            return new float[0];
        }
        String[] values = text.split(",", -1);
        float[] probabilities = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            try {
                probabilities[i] = Float.parseFloat(values[i]);
            } catch (NumberFormatException e) {
                throw new InvalidRecordException("header " + RecordHeaders.SPEECH_PROB + " has '" + values[i]
                        + "' where a probability should be");
            }
            if (!(probabilities[i] >= 0 && probabilities[i] <= 1)) {
                throw new InvalidRecordException("header " + RecordHeaders.SPEECH_PROB + " has " + values[i]
                        + ", not a probability");
            }
        }
        return probabilities;
    }

    public byte[] value(FeatureChunk chunk) {
        ByteBuffer buffer = ByteBuffer.allocate(chunk.frames().length * chunk.melBins() * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] frame : chunk.frames()) {
            for (float v : frame) {
                buffer.putShort((short) quantise(v));
            }
        }
        return buffer.array();
    }

    static int quantise(float v) {
        return Math.max(0, Math.min(0xFFFF, Math.round((v + OFFSET) * SCALE)));
    }

    static float dequantise(int q) {
        return q / SCALE - OFFSET;
    }

    /**
     * Decodes frames {@code from .. from + count - 1} of a value this serde wrote (and checked on read) into
     * {@code into[at], into[at + 1], ...}, so a consumer that keeps values as they came can lay parts of several
     * into one window.
     */
    public static void readFrames(byte[] value, int melBins, int from, int count, float[][] into, int at) {
        ByteBuffer buffer = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        buffer.position(from * melBins * 2);
        for (int t = 0; t < count; t++) {
            float[] frame = into[at + t];
            for (int m = 0; m < melBins; m++) {
                frame[m] = dequantise(Short.toUnsignedInt(buffer.getShort()));
            }
        }
    }

    /** @throws InvalidRecordException when the record is not a well-formed feature chunk */
    public FeatureChunk read(String key, byte[] value, Headers headers) {
        String stream = RecordHeaders.requireEnvelope("feature chunk", SCHEMA, maxValueBytes, key, value, headers);
        int melBins = RecordHeaders.requiredInt(headers, RecordHeaders.MEL_BINS);
        if (melBins <= 0) {
            throw new InvalidRecordException("mel bins must be positive, got " + melBins);
        }
        if (value.length % (2 * melBins) != 0) {
            throw new InvalidRecordException("feature chunk of " + value.length + " bytes is not whole frames of "
                    + melBins + " bins (truncated?)");
        }
        long firstFrame = RecordHeaders.requiredLong(headers, RecordHeaders.FIRST_FRAME);
        float[][] frames = new float[value.length / (2 * melBins)][melBins];
        readFrames(value, melBins, 0, frames.length, frames, 0);
        String speech = RecordHeaders.text(headers, RecordHeaders.SPEECH_PROB);
        return new FeatureChunk(stream, RecordHeaders.requiredLong(headers, RecordHeaders.SEQUENCE), firstFrame, melBins,
                RecordHeaders.requiredLong(headers, RecordHeaders.STREAM_SAMPLES),
                RecordHeaders.flag(headers, RecordHeaders.END_OF_STREAM), frames,
                speech == null ? 0 : RecordHeaders.requiredLong(headers, RecordHeaders.VAD_WINDOW),
                speech == null ? null : probabilities(speech));
    }
}
