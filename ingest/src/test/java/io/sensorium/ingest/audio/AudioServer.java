package io.sensorium.ingest.audio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A radio station on 127.0.0.1 for the tests of live audio, here and through the commands: request n gets a WAV
 * stream (no length: until the connection closes) of the broadcast — 16 kHz mono 16-bit — from where the plan's
 * segment n starts, or a 404 where the plan has none. A segment is sent at once or paced at 1x, a tenth of a second
 * at a time, and the connection is closed at its end (a drop) unless the listener hung up first.
 */
public final class AudioServer implements AutoCloseable {
    public static final int RATE = 16_000;
    private static final int SLICE = RATE / 10;

    /** The broadcast's samples, by their index from its start. */
    public interface Broadcast {
        short sample(long n);
    }

    /**
     * What one request gets.
     *
     * @param samples how many, or {@link #FOREVER}: until the listener hangs up
     * @param paced   at 1x, as a live station sends, rather than all at once
     */
    public record Segment(long start, long samples, boolean paced) {
        public static final long FOREVER = Long.MAX_VALUE;
    }

    private final ServerSocket socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    private final AtomicInteger requests = new AtomicInteger();
    private final Broadcast broadcast;
    private final IntFunction<Segment> plan;
    private final Thread thread = new Thread(this::serve, "audio-server");

    /** @param plan the segment for request 1, 2, ...; null for a 404 */
    public AudioServer(Broadcast broadcast, IntFunction<Segment> plan) throws IOException {
        this.broadcast = broadcast;
        this.plan = plan;
        thread.setDaemon(true);
        thread.start();
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/radio.wav";
    }

    /** How many requests have come so far. */
    public int requests() {
        return requests.get();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                readRequest(client.getInputStream());
                Segment segment = plan.apply(requests.incrementAndGet());
                OutputStream out = client.getOutputStream();
                if (segment == null) {
                    out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    continue;
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(wavHeader(-1));
                long end = segment.samples() == Segment.FOREVER ? Long.MAX_VALUE : segment.start() + segment.samples();
                for (long start = segment.start(); start < end; start += SLICE) {
                    out.write(pcm(broadcast, start, (int) Math.min(SLICE, end - start)));
                    out.flush();
                    if (segment.paced()) {
                        Thread.sleep(SLICE * 1000L / RATE);
                    }
                }
            } catch (IOException e) {
                // The listener hung up (a stop), or the test closed the socket: the next accept tells which.
                continue;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int b = in.read(); b >= 0 && matched < end.length; b = in.read()) {
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
            if (matched == end.length) {
                return;
            }
        }
    }

    /** Samples {@code [start, start + samples)} of a broadcast as little-endian 16-bit PCM. */
    public static byte[] pcm(Broadcast broadcast, long start, int samples) {
        ByteBuffer bytes = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) {
            bytes.putShort(broadcast.sample(start + i));
        }
        return bytes.array();
    }

    /** A WAV header for 16 kHz mono 16-bit audio; {@code samples} -1 for a stream of unknown length, as ffmpeg writes to a pipe. */
    public static byte[] wavHeader(int samples) {
        int data = samples < 0 ? -1 : samples * 2;
        return ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN)
                .put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(samples < 0 ? -1 : 36 + data)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(RATE).putInt(RATE * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data).array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
