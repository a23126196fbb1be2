package io.sensorium.processors.speech;

import io.sensorium.processors.speech.live.LocalAgreement;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where the live speech processor stands in one stream, the commit policy with its buffer included; kept in a state
 * store between the stream's chunks, so a restarted or moved task resumes. Changed in place while a chunk is handled.
 */
final class LiveStreamState {
    /** Version 2 adds the language; a version 1 state (written before) reads as one whose language is not known. */
    private static final int VERSION = 2;

    /** Frames of the stream that have arrived: the next chunk should start here. */
    long framesReceived;
    /** Where the audio of the last transcription ended. */
    long transcribedFrame;
    /** Final segments emitted so far, which numbers the next one. */
    int segments;
    /** Revision of the last partial emitted: a new one goes out when the commit policy's moves on. */
    long partialRevision;
    /** The last transcription's average log-probability, which the finals it led to carry. */
    double avgLogprob;
    /**
     * The stream's language: as the last transcription had it until the first final segment goes out, fixed from
     * then on (a live buffer's first second or two is too little audio to settle it). Null before any transcription.
     */
    String language;
    /** How sure detection was of {@link #language}; null when it was given. */
    Double languageProbability;
    /** Whether {@link #language} is fixed. */
    boolean languageFixed;
    final LocalAgreement agreement;

    private LiveStreamState(LocalAgreement agreement) {
        this.agreement = agreement;
    }

    static LiveStreamState fresh(LocalAgreement.Options options) {
        return new LiveStreamState(new LocalAgreement(options));
    }

    byte[] toBytes() {
        byte[] agreementBytes = agreement.snapshot();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(48 + agreementBytes.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(framesReceived);
            out.writeLong(transcribedFrame);
            out.writeInt(segments);
            out.writeLong(partialRevision);
            out.writeDouble(avgLogprob);
            out.writeUTF(language == null ? "" : language);
            out.writeDouble(languageProbability == null ? Double.NaN : languageProbability);
            out.writeBoolean(languageFixed);
            out.writeInt(agreementBytes.length);
            out.write(agreementBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static LiveStreamState fromBytes(byte[] bytes, LocalAgreement.Options options) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readByte();
            if (version != 1 && version != VERSION) {
                throw new IllegalStateException("live speech state of version " + version + " is not readable by this build");
            }
            long received = in.readLong();
            long transcribed = in.readLong();
            int segments = in.readInt();
            long revision = in.readLong();
            double avgLogprob = in.readDouble();
            String language = version == 1 ? "" : in.readUTF();
            double probability = version == 1 ? Double.NaN : in.readDouble();
            boolean fixed = version != 1 && in.readBoolean();
            byte[] agreement = new byte[in.readInt()];
            in.readFully(agreement);
            LiveStreamState state = new LiveStreamState(LocalAgreement.restore(options, agreement));
            state.framesReceived = received;
            state.transcribedFrame = transcribed;
            state.segments = segments;
            state.partialRevision = revision;
            state.avgLogprob = avgLogprob;
            state.language = language.isEmpty() ? null : language;
            state.languageProbability = Double.isNaN(probability) ? null : probability;
            state.languageFixed = fixed;
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt live speech state", e);
        }
    }
}
