package io.sensorium.ingest.audio;

import io.sensorium.core.records.AudioChunk;
import io.sensorium.core.records.AudioChunkSerde;
import io.sensorium.ingest.IngestRecords;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes audio files as streams of {@link AudioChunk} records, keyed by stream id so each stream keeps its
 * order in one partition. A file that cannot be decoded becomes a dead letter naming the file and the reason;
 * when it broke after some audio was already sent, its stream is still closed with an end-of-stream chunk so the
 * processors finish what they have.
 */
public final class AudioIngest {
    private static final Logger LOG = LoggerFactory.getLogger(AudioIngest.class);
    static final String STAGE = "ingest-audio";

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String deadLetterTopic;
    private final AudioChunkSerde serde;
    private final int sampleRate;
    private final int chunkSamples;
    private volatile boolean stopped;

    public AudioIngest(Producer<String, byte[]> producer, String topic, String deadLetterTopic, AudioChunkSerde serde,
                       int sampleRate, int chunkSamples) {
        this.producer = producer;
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
        this.serde = serde;
        this.sampleRate = sampleRate;
        this.chunkSamples = chunkSamples;
    }

    /** What became of one file. {@code error} is null when it was published whole. */
    public record Result(String streamId, Path file, long samples, long chunks, boolean streamClosed, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Asks every running {@link #publish} to end its stream where it is (what was published so far is closed with
     * an end marker, so the processors finish it) and later ones not to begin.
     */
    public void stop() {
        stopped = true;
    }

    /** Decodes {@code file} and publishes it as stream {@code streamId}; returns once Kafka has acknowledged it. */
    public Result publish(String streamId, Path file) {
        long[] chunks = {0};
        AtomicReference<Exception> refused = new AtomicReference<>();
        AudioChunker chunker = new AudioChunker(streamId, sampleRate, chunkSamples, chunk -> {
            send(chunk, refused);
            chunks[0]++;
        });
        String error = null;
        try {
            AudioDecoder.decode(file, sampleRate, block -> {
                if (stopped) {
                    throw new CancellationException();
                }
                chunker.accept(block);
            });
        } catch (AudioDecodingException e) {
            error = e.getMessage();
            IngestRecords.deadLetter(producer, deadLetterTopic, STAGE, streamId, file.toString(), e);
        } catch (CancellationException e) {
            error = String.format("stopped after %.1f s", (double) chunker.samplesSeen() / sampleRate);
        }
        boolean close = error == null || chunks[0] > 0 || chunker.samplesSeen() > 0;
        if (close) {
            chunker.finish();
        }
        producer.flush();
        if (refused.get() != null && error == null) {
            // Kafka's own limits (max.request.size, the broker's message.max.bytes) are not known before a send.
            error = "Kafka refused audio of this stream: " + refused.get().getMessage();
            IngestRecords.deadLetter(producer, deadLetterTopic, STAGE, streamId, file.toString(), refused.get());
            producer.flush();
        }
        if (error == null) {
            LOG.info("published {} as stream '{}': {} samples in {} chunks", file, streamId, chunker.samplesSeen(), chunks[0]);
        } else {
            LOG.warn("{}: {}", file, error);
        }
        return new Result(streamId, file, chunker.samplesSeen(), chunks[0], close, error);
    }

    private void send(AudioChunk chunk, AtomicReference<Exception> refused) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, chunk.streamId(), serde.value(chunk));
        serde.writeHeaders(chunk, record.headers());
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                refused.compareAndSet(null, e);
            }
        });
    }
}
