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
    private static final int VERSION = 1;

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
            if (version != VERSION) {
                throw new IllegalStateException("live speech state of version " + version + " is not readable by this build");
            }
            long received = in.readLong();
            long transcribed = in.readLong();
            int segments = in.readInt();
            long revision = in.readLong();
            double avgLogprob = in.readDouble();
            byte[] agreement = new byte[in.readInt()];
            in.readFully(agreement);
            LiveStreamState state = new LiveStreamState(LocalAgreement.restore(options, agreement));
            state.framesReceived = received;
            state.transcribedFrame = transcribed;
            state.segments = segments;
            state.partialRevision = revision;
            state.avgLogprob = avgLogprob;
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt live speech state", e);
        }
    }
}
