package io.sensorium.core.kafka;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The shape every processing stage has: one input topic, one processor (with its state stores), one output topic
 * and the dead-letter topic. Keys are stream ids as UTF-8 strings; values are bytes the processor itself decodes,
 * so that a malformed value reaches the processor (and the dead letters) instead of failing in a deserialiser.
 */
public final class StageTopology {
    public static final String OUTPUT = "output";
    public static final String DEAD_LETTERS = "dead-letters";

    private StageTopology() {}

    public static Topology build(String stage, String inputTopic, String outputTopic, String deadLetterTopic,
                                 ProcessorSupplier<String, byte[], String, byte[]> processor,
                                 List<StoreBuilder<?>> stores) {
        String processorName = processorName(stage);
        Topology topology = new Topology();
        topology.addSource(stage + "-source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), inputTopic);
        topology.addProcessor(processorName, processor, stage + "-source");
        for (StoreBuilder<?> store : stores) {
            topology.addStateStore(store, processorName);
        }
        topology.addSink(OUTPUT, outputTopic, Serdes.String().serializer(), Serdes.ByteArray().serializer(), processorName);
        topology.addSink(DEAD_LETTERS, deadLetterTopic, Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                processorName);
        return topology;
    }

    /** Adds another output to a stage: what its processor forwards to child {@code sinkName} goes to {@code topic}. */
    public static void addOutput(Topology topology, String stage, String sinkName, String topic) {
        topology.addSink(sinkName, topic, Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                processorName(stage));
    }

    private static String processorName(String stage) {
        return stage + "-processor";
    }
}
