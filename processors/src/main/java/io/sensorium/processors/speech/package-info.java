/**
 * The speech processor as a Kafka Streams stage: topology, processor, per-stream state and the frame window store.
 * {@link io.sensorium.processors.speech.SpeechEngine} stays here rather than in the engine package because it is the
 * stage's view of Whisper: it turns the stage's configuration into a shared model and normalises the raw windows
 * the stage assembles; the engine itself knows nothing of Kafka or of the configuration.
 */
package io.sensorium.processors.speech;
