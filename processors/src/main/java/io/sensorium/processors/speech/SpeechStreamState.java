package io.sensorium.processors.speech;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where the speech processor stands in one stream; kept in a state store, so a restarted or moved task resumes.
 *
 * @param seekFrame      the first frame not yet transcribed
 * @param framesReceived frames of the stream that have arrived (the next chunk should start here)
 * @param segments       segments emitted so far, which numbers the next one
 */
record SpeechStreamState(long seekFrame, long framesReceived, int segments) {
    private static final int VERSION = 1;

    static final SpeechStreamState NEW = new SpeechStreamState(0, 0, 0);

    SpeechStreamState withReceived(long frames) {
        return new SpeechStreamState(seekFrame, frames, segments);
    }

    SpeechStreamState advanced(long frames, int newSegments) {
        return new SpeechStreamState(seekFrame + frames, framesReceived, segments + newSegments);
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(seekFrame);
            out.writeLong(framesReceived);
            out.writeInt(segments);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static SpeechStreamState fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("speech state of version " + version + " is not readable by this build");
            }
            return new SpeechStreamState(in.readLong(), in.readLong(), in.readInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
