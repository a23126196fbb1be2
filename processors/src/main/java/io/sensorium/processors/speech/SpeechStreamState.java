package io.sensorium.processors.speech;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where the speech processor stands in one stream; kept in a state store, so a restarted or moved task resumes.
 *
 * @param seekFrame      the first frame not yet transcribed
 * @param framesReceived frames of the stream that have arrived (the next chunk should start here)
 * @param segments       segments emitted so far, which numbers the next one
 * @param language       the stream's language once its first window was transcribed (detected or given); null before
 * @param languageProbability how sure detection was of it; null when it was given
 * @param context        the tokens the next window's prompt carries (SpeechEngine#nextContext); null before the
 *                       first window (its prompt: SpeechEngine#initialContext)
 */
record SpeechStreamState(long seekFrame, long framesReceived, int segments, String language,
                         Double languageProbability, int[] context) {
    /**
     * Version 2 added the language, 3 the context; a state written before reads as one whose language is not known
     * and whose next window is prompted as a first one.
     */
    private static final int VERSION = 3;

    static final SpeechStreamState NEW = new SpeechStreamState(0, 0, 0, null, null, null);

    SpeechStreamState withReceived(long frames) {
        return new SpeechStreamState(seekFrame, frames, segments, language, languageProbability, context);
    }

    SpeechStreamState advanced(long frames, int newSegments) {
        return new SpeechStreamState(seekFrame + frames, framesReceived, segments + newSegments, language,
                languageProbability, context);
    }

    /** The state once a window was transcribed in {@code language}: the first such window sets the stream's. */
    SpeechStreamState inLanguage(String decodedIn, Double probability) {
        return language != null ? this
                : new SpeechStreamState(seekFrame, framesReceived, segments, decodedIn, probability, context);
    }

    SpeechStreamState withContext(int[] tokens) {
        return new SpeechStreamState(seekFrame, framesReceived, segments, language, languageProbability, tokens);
    }

    /** Records compare arrays by reference: states are equal when their context tokens are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof SpeechStreamState o && seekFrame == o.seekFrame && framesReceived == o.framesReceived
                && segments == o.segments && Objects.equals(language, o.language)
                && Objects.equals(languageProbability, o.languageProbability)
                && Arrays.equals(context, o.context);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seekFrame, framesReceived, segments, language, languageProbability,
                Arrays.hashCode(context));
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(seekFrame);
            out.writeLong(framesReceived);
            out.writeInt(segments);
            out.writeUTF(language == null ? "" : language);
            out.writeDouble(languageProbability == null ? Double.NaN : languageProbability);
            out.writeInt(context == null ? -1 : context.length);
            for (int token : context == null ? new int[0] : context) {
                out.writeInt(token);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static SpeechStreamState fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readByte();
            if (version < 1 || version > VERSION) {
                throw new IllegalStateException("speech state of version " + version + " is not readable by this build");
            }
            long seek = in.readLong();
            long received = in.readLong();
            int segments = in.readInt();
            if (version == 1) {
                return new SpeechStreamState(seek, received, segments, null, null, null);
            }
            String language = in.readUTF();
            double probability = in.readDouble();
            int[] context = null;
            int tokens = version == 2 ? -1 : in.readInt();
            if (tokens >= 0) {
                context = new int[tokens];
                for (int i = 0; i < tokens; i++) {
                    context[i] = in.readInt();
                }
            }
            return new SpeechStreamState(seek, received, segments, language.isEmpty() ? null : language,
                    Double.isNaN(probability) ? null : probability, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
