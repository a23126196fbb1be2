package io.sensorium.ingest.audio;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.AudioChunk;
import io.sensorium.core.records.AudioChunkSerde;
import io.sensorium.ingest.Backoff;
import io.sensorium.ingest.IngestRecords;
import io.sensorium.ingest.InputPaths;
import io.sensorium.ingest.Reconnector;
import io.sensorium.ingest.StopLatch;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes audio sources — files, named pipes, standard input, live URLs — as streams of {@link AudioChunk}
 * records, keyed by stream id so each stream keeps its order in one partition; chunks go out as the audio is
 * decoded, so a live source is published as it arrives. A live URL that drops is reconnected with back-off and
 * its sample offsets run on from the audio already received. A source that cannot be decoded becomes a dead letter
 * naming it and the reason; when it broke after some audio was already sent, its stream is still closed with an
 * end-of-stream chunk so the processors finish what they have.
 */
public final class AudioIngest {
    private static final Logger LOG = LoggerFactory.getLogger(AudioIngest.class);
    static final String STAGE = "ingest-audio";

    /**
     * How sources are read.
     *
     * @param raw      how to read headerless PCM; null lets FFmpeg tell the format from the data
     * @param realtime pace each source at 1x, as if it were live ({@link RealtimePacer})
     */
    public record Reading(RawFormat raw, boolean realtime) {
        public static final Reading AS_IS = new Reading(null, false);
    }

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String deadLetterTopic;
    private final AudioChunkSerde serde;
    private final int sampleRate;
    private final int chunkSamples;
    private final SensoriumConfig.Live live;
    private final Reading reading;
    private final StopLatch stopped = new StopLatch();
    private final Backoff.Sleeper sleeper;

    public AudioIngest(Producer<String, byte[]> producer, String topic, String deadLetterTopic, SensoriumConfig.Audio audio,
                       SensoriumConfig.Live live, Reading reading) {
        this(producer, topic, deadLetterTopic, audio, live, reading, null);
    }

    /** @param sleeper how reconnect waits are spent; null waits on the clock, cut short by {@link #stop()} */
    AudioIngest(Producer<String, byte[]> producer, String topic, String deadLetterTopic, SensoriumConfig.Audio audio,
                SensoriumConfig.Live live, Reading reading, Backoff.Sleeper sleeper) {
        this.producer = producer;
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
        this.serde = new AudioChunkSerde(audio.maxRecordBytes());
        this.sampleRate = audio.sampleRate();
        this.chunkSamples = audio.chunkSamples();
        this.live = live;
        this.reading = reading;
        this.sleeper = sleeper != null ? sleeper : stopped;
    }

    /**
     * What became of one source.
     *
     * @param attempts    times a URL was opened or tried: the first time and every reconnection (0 for a file or pipe)
     * @param connections how many of those attempts connected (0 for a file or pipe)
     * @param error       why the source ended early or failed, or null when it was published whole (a live source:
     *                    until it was stopped)
     */
    public record Result(String streamId, String source, long samples, long chunks, int attempts, int connections,
                         boolean streamClosed, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Asks every running {@link #publish} to end its stream where it is (what was published so far is closed with
     * an end marker, so the processors finish it) and later ones not to begin.
     */
    public void stop() {
        stopped.stop();
    }

    /** Decodes {@code source} and publishes it as stream {@code streamId}; returns once Kafka has acknowledged it. */
    public Result publish(String streamId, String source) {
        Publication run = new Publication(streamId, source);
        if (InputPaths.isLive(source)) {
            // Says that the command now listens: nothing else shows it until the first words come out.
            LOG.info("reading {} as stream '{}' as it arrives, until it ends or the command is stopped", source, streamId);
        }
        String error = InputPaths.isUrl(source) ? run.live() : run.whole();
        boolean close = error == null || run.chunker.samplesSeen() > 0;
        if (close) {
            run.chunker.finish();
        }
        producer.flush();
        if (run.refused.get() != null && error == null) {
            // Kafka's own limits (max.request.size, the broker's message.max.bytes) are not known before a send.
            error = "Kafka refused audio of this stream: " + run.refused.get().getMessage();
            IngestRecords.deadLetter(producer, deadLetterTopic, STAGE, streamId, source, run.refused.get());
            producer.flush();
        }
        long samples = run.chunker.samplesSeen();
        if (error == null) {
            LOG.info("published {} as stream '{}': {} samples in {} chunks{}", source, streamId, samples, run.chunks,
                    InputPaths.isUrl(source) ? ", " + run.connections + " connections in " + run.attempts + " attempts" : "");
        } else {
            LOG.warn("{}: {}", source, error);
        }
        return new Result(streamId, source, samples, run.chunks, run.attempts, run.connections, close, error);
    }

    /** The state of one source's publication: one chunker for the stream, across every connection. */
    private final class Publication {
        final String streamId;
        final String source;
        final AudioChunker chunker;
        final RealtimePacer pacer;
        final boolean pipe;
        final AtomicReference<Exception> refused = new AtomicReference<>();
        long chunks;
        int attempts;
        int connections;

        Publication(String streamId, String source) {
            this.streamId = streamId;
            this.source = source;
            this.pacer = reading.realtime() ? new RealtimePacer(sampleRate, sleeper) : null;
            this.pipe = InputPaths.isPipe(source);
            this.chunker = new AudioChunker(streamId, sampleRate, chunkSamples, this::send);
        }

        /** A file, pipe or standard input, to its end; @return the error that ended it early, or null */
        String whole() {
            try (AudioDecoder decoder = AudioDecoder.open(source, reading.raw(), sampleRate, stopped)) {
                decoder.decodeWhole(this::accept);
                return null;
            } catch (AudioDecodingException e) {
                // A pipe cut by the stop may end anywhere, even before its header: not the source's fault.
                return pipe && stopped.stopped() ? null : fail(e);
            } catch (CancellationException e) {
                // Only a file is cancelled (a pipe's input ends at the stop): it was cut short.
                return String.format("stopped after %.1f s", (double) chunker.samplesSeen() / sampleRate);
            }
        }

        /** A URL, until stopped or the reconnect attempts run out; @return the error that ended it, or null */
        String live() {
            Reconnector reconnector = new Reconnector(source, live, sleeper, stopped::stopped);
            String gaveUp = reconnector.keepReading(connected -> {
                try (AudioDecoder decoder = AudioDecoder.open(source, reading.raw(), sampleRate, stopped)) {
                    connected.run();
                    decoder.decodeTo(this::accept);
                    return null;
                } catch (AudioDecodingException e) {
                    return e.getMessage();
                } catch (CancellationException e) {
                    return null;
                }
            });
            attempts = reconnector.attempts();
            connections = reconnector.connections();
            return gaveUp == null ? null : fail(new AudioDecodingException(gaveUp));
        }

        private void accept(short[] block) {
            // A pipe's input ends at the stop by itself (PipeInput), and what FFmpeg read of it before still counts.
            if (stopped.stopped() && !pipe) {
                throw new CancellationException();
            }
            chunker.accept(block);
        }

        private String fail(AudioDecodingException e) {
            IngestRecords.deadLetter(producer, deadLetterTopic, STAGE, streamId, source, e);
            return e.getMessage();
        }

        private void send(AudioChunk chunk) {
            if (pacer != null) {
                pacer.awaitPlayed(chunk.sampleOffset() + chunk.samples().length);
            }
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, chunk.streamId(), serde.value(chunk));
            serde.writeHeaders(chunk, record.headers());
            producer.send(record, (metadata, e) -> {
                if (e != null) {
                    refused.compareAndSet(null, e);
                }
            });
            chunks++;
        }
    }
}
