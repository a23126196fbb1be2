package io.sensorium.ingest.audio;

import io.sensorium.ingest.InputPaths;
import io.sensorium.ingest.StopLatch;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Standard input or a named pipe, as FFmpeg reads it, ended by the writer closing it or by a stop. FFmpeg reading the
 * pipe itself blocks in read(2) while the writer is open but silent (a muted microphone, a WAV whose declared length
 * is used up), and nothing wakes it: a command stopped then never finalised what it had heard. Here a thread of its
 * own does the reads that block (and a named pipe's open, which waits for a writer) and hands the bytes over; FFmpeg's
 * reads return what has come, or the end of the stream once the writer closes or the stop comes.
 */
final class PipeInput extends InputStream {
    /** A read of a pipe returns what is there, up to this. */
    private static final int BLOCK_BYTES = 16 * 1024;
    /** Blocks read ahead of FFmpeg (a second of 16 kHz stereo 32-bit PCM): beyond them the writer waits. */
    private static final int QUEUED_BLOCKS = 8;
    /** How often a wait looks at the stop and at whether FFmpeg let go. */
    private static final long POLL_MILLIS = 50;
    private static final byte[] END = new byte[0];

    private final String source;
    private final StopLatch stop;
    private final BlockingQueue<byte[]> blocks = new ArrayBlockingQueue<>(QUEUED_BLOCKS);
    private volatile IOException failure;
    private volatile boolean closed;
    private byte[] block = END;
    private int position;
    private boolean ended;

    private PipeInput(String source, StopLatch stop) {
        this.source = source;
        this.stop = stop;
    }

    /** Starts reading {@code source}: {@code -} (this process's standard input) or a named pipe. */
    static PipeInput open(String source, StopLatch stop) {
        PipeInput input = new PipeInput(source, stop);
        Thread reader = new Thread(input::readPipe, "pipe-reader-" + source);
        // A reader still blocked on a silent writer after the stop must not keep the process alive.
        reader.setDaemon(true);
        reader.start();
        return input;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == block.length) {
            if (ended) {
                return -1;
            }
            next();
        }
        int n = Math.min(length, block.length - position);
        System.arraycopy(block, position, target, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return block.length - position;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void next() throws IOException {
        byte[] taken;
        try {
            taken = stop.stopped() ? END : blocks.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted reading " + source);
        }
        if (taken == END) {
            ended = true;
            if (failure != null && !stop.stopped()) {
                throw failure;
            }
        }
        if (taken != null) {
            block = taken;
            position = 0;
        }
    }

    private void readPipe() {
        boolean stdin = InputPaths.STDIN.equals(source);
        try (InputStream pipe = stdin ? null : new FileInputStream(source)) {
            InputStream in = stdin ? System.in : pipe;
            byte[] buffer = new byte[BLOCK_BYTES];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n > 0 && !hand(Arrays.copyOf(buffer, n))) {
                    return;
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        hand(END);
    }

    /** @return whether FFmpeg still reads: false once it let go or the stop came */
    private boolean hand(byte[] bytes) {
        try {
            while (!closed && !stop.stopped()) {
                if (blocks.offer(bytes, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
