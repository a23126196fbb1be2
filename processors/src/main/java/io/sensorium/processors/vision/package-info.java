/** The vision preprocessor and the vision processor as Kafka Streams stages: topologies and processors. */
package io.sensorium.processors.vision;
