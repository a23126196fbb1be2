/**
 * Whisper on ONNX Runtime, apart from any Kafka stage so that it can be tested, benchmarked and batched on its own:
 * the model files, encoder, greedy decoder with its logits rules, tokenizer and the window-to-segments transcriber.
 */
package io.sensorium.processors.speech.whisper;
