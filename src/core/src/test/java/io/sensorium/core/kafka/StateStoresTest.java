package io.sensorium.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.SensoriumConfig;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.Test;

/** Where the stages keep their state: by the cluster a run talks to. */
class StateStoresTest {
    @Test
    void onTheInProcessBrokerStateIsKeptInMemoryWithItsChangelog() {
        StoreBuilder<KeyValueStore<String, byte[]>> store = StateStores.keyValue("speech-stream-state",
                ConfigLoader.defaults().kafka());
        assertThat(store.name()).isEqualTo("speech-stream-state");
        assertThat(store.loggingEnabled()).as("changelog").isTrue();
        assertThat(store.build().persistent()).as("on disk").isFalse();
    }

    @Test
    void onAClusterStateIsKeptOnDiskWithItsChangelog() {
        SensoriumConfig.Kafka cluster = ConfigLoader.load(null, Map.of(),
                Map.of("kafka.bootstrap-servers", "kafka-1:9092")).kafka();
        StoreBuilder<KeyValueStore<String, byte[]>> store = StateStores.keyValue("vision-trackers", cluster);
        assertThat(store.loggingEnabled()).as("changelog").isTrue();
        assertThat(store.build().persistent()).as("on disk").isTrue();
    }
}
