package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.records.AudioChunk;
import io.sensorium.core.records.AudioChunkSerde;
import io.sensorium.core.records.DetectionsEnd;
import io.sensorium.core.records.DetectionsJson;
import io.sensorium.core.records.FrameDetections;
import io.sensorium.core.records.ImageFrame;
import io.sensorium.core.records.ImageFrameSerde;
import io.sensorium.core.records.RecordHeaders;
import io.sensorium.core.records.TranscriptEnd;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.processors.features.FeatureTopology;
import io.sensorium.processors.speech.SpeechTopology;
import io.sensorium.processors.vision.VisionPreprocessTopology;
import io.sensorium.processors.vision.VisionTopology;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * What differs between reprocessing audio and frames: which topics, how much work a record is (seconds of audio,
 * frames), how a stream is closed that the range cut off, and how the output says what is done.
 */
enum ReprocessKind {
    SPEECH("speech", SensoriumConfig.Topics::audio, SensoriumConfig.Topics::transcripts, "audio", "features", "transcripts",
            "audio s", TranscriptJson::read, TranscriptEnd.class, FeatureTopology.STAGE, SpeechTopology.STAGE) {
        @Override
        double amount(ConsumerRecord<String, byte[]> record) {
            long rate = RecordHeaders.longOr(record.headers(), RecordHeaders.SAMPLE_RATE, 0);
            // A record without a rate is not audio anyone can count; the feature stage dead-letters it.
            return rate > 0 ? record.value().length / 2.0 / rate : 0;
        }

        @Override
        ProducerRecord<String, byte[]> endMarker(String topic, ConsumerRecord<String, byte[]> last) {
            AudioChunkSerde serde = new AudioChunkSerde(Integer.MAX_VALUE);
            AudioChunk chunk = serde.read(last.key(), last.value(), last.headers());
            AudioChunk end = new AudioChunk(chunk.streamId(), chunk.sequence() + 1,
                    chunk.sampleOffset() + chunk.samples().length, chunk.sampleRate(), true, new short[0]);
            Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            serde.writeHeaders(end, headers);
            return new ProducerRecord<>(topic, last.partition(), null, last.key(), serde.value(end), headers);
        }

        @Override
        double outputAmount(Object record) {
            if (record instanceof TranscriptEnd end) {
                return end.duration();
            }
            return record instanceof TranscriptSegment segment ? segment.end() : 0;
        }
    },
    VISION("vision", SensoriumConfig.Topics::frames, SensoriumConfig.Topics::detections, "frames", "pixels", "detections",
            "frames", DetectionsJson::read, DetectionsEnd.class, VisionPreprocessTopology.STAGE, VisionTopology.STAGE) {
        @Override
        double amount(ConsumerRecord<String, byte[]> record) {
            return ends(record.headers()) ? 0 : 1;
        }

        @Override
        ProducerRecord<String, byte[]> endMarker(String topic, ConsumerRecord<String, byte[]> last) {
            ImageFrame end = ImageFrame.end(last.key(), RecordHeaders.requiredLong(last.headers(), RecordHeaders.SEQUENCE) + 1);
            Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            new ImageFrameSerde(Integer.MAX_VALUE).writeHeaders(end, headers);
            return new ProducerRecord<>(topic, last.partition(), null, last.key(), end.jpeg(), headers);
        }

        @Override
        double outputAmount(Object record) {
            if (record instanceof DetectionsEnd end) {
                return end.frames();
            }
            return record instanceof FrameDetections frame ? frame.frame() + 1 : 0;
        }
    };

    private final String command;
    private final Function<SensoriumConfig.Topics, String> inputTopic;
    private final Function<SensoriumConfig.Topics, String> liveOutputTopic;
    private final String copyTopic;
    private final String middleTopic;
    private final String outputName;
    private final String unit;
    private final Function<byte[], Object> outputReader;
    private final Class<?> outputEnd;
    private final List<String> stages;

    ReprocessKind(String command, Function<SensoriumConfig.Topics, String> inputTopic,
                  Function<SensoriumConfig.Topics, String> liveOutputTopic, String copyTopic, String middleTopic,
                  String outputName, String unit, Function<byte[], Object> outputReader, Class<?> outputEnd,
                  String... stages) {
        this.outputReader = outputReader;
        this.outputEnd = outputEnd;
        this.inputTopic = inputTopic;
        this.liveOutputTopic = liveOutputTopic;
        this.stages = List.of(stages);
        this.command = command;
        this.copyTopic = copyTopic;
        this.middleTopic = middleTopic;
        this.outputName = outputName;
        this.unit = unit;
    }

    String command() {
        return command;
    }

    /** The stages a run of this kind runs, in the order records go through them. */
    List<String> stages() {
        return stages;
    }

    /** The run's own topic its input is copied to ({@link ReprocessRun#privateTopic}). */
    String copyTopic() {
        return copyTopic;
    }

    /** The run's own topic between its two stages. */
    String middleTopic() {
        return middleTopic;
    }

    /** What the progress bar counts: audio seconds or frames. */
    String unit() {
        return unit;
    }

    /** The output topic when none is given: one per model, so that runs of different models stay apart. */
    String defaultOutputTopic(String modelName) {
        return "sensorium." + outputName + "." + modelName;
    }

    static ReprocessKind of(String command) {
        return valueOf(command.toUpperCase(Locale.ROOT));
    }

    String inputTopic(SensoriumConfig config) {
        return inputTopic.apply(config.topics());
    }

    /** The live pipeline's output, which a run must not write into. */
    String liveOutputTopic(SensoriumConfig config) {
        return liveOutputTopic.apply(config.topics());
    }

    /** Whether a record is its stream's first. */
    boolean starts(Headers headers) {
        return "0".equals(RecordHeaders.text(headers, RecordHeaders.SEQUENCE));
    }

    boolean ends(Headers headers) {
        return RecordHeaders.flag(headers, RecordHeaders.END_OF_STREAM);
    }

    /** How much work an input record is, in {@link #unit()}s. */
    abstract double amount(ConsumerRecord<String, byte[]> record);

    /** The end marker that closes the stream whose last record the run copied is {@code last}, as ingest writes one. */
    abstract ProducerRecord<String, byte[]> endMarker(String topic, ConsumerRecord<String, byte[]> last);

    Object readOutput(byte[] value) {
        return outputReader.apply(value);
    }

    /** How far into its stream an output record says the work has come, in {@link #unit()}s. */
    abstract double outputAmount(Object record);

    /** Whether an output record is its stream's end marker. */
    boolean isEnd(Object record) {
        return outputEnd.isInstance(record);
    }
}
