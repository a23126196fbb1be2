/**
 * Evaluation text tools: Whisper's English normaliser and the word error rate. Only tests and benchmarks use them,
 * so the running pipeline does not depend on them.
 */
package io.sensorium.processors.speech.text;
