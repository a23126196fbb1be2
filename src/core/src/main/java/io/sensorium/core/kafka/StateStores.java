package io.sensorium.core.kafka;

import io.sensorium.core.config.SensoriumConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The stages' key-value stores (a stream's or camera's state under its id), each with its changelog topic, so that a
 * task's state comes back wherever the task runs next. On a cluster they are RocksDB stores, which outlive their
 * process in the state directory. On the in-process broker (no {@code kafka.bootstrap-servers}: a {@code transcribe}
 * or {@code detect} on this machine) they are kept in memory: that broker's log goes with the command, and with it
 * anything a store could be restored from, so what RocksDB would keep on disk would never be read again; its changelog
 * still restores a task revived within the run (exactly-once closes a task whose transaction failed, and builds its
 * state again from there). Without RocksDB such a run takes a little less time and memory (README, Configuration).
 */
public final class StateStores {
    private StateStores() {}

    public static StoreBuilder<KeyValueStore<String, byte[]>> keyValue(String name, SensoriumConfig.Kafka kafka) {
        return Stores.keyValueStoreBuilder(kafka.embedded() ? Stores.inMemoryKeyValueStore(name)
                : Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray());
    }
}
