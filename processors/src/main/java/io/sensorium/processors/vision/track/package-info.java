/**
 * Multi-object tracking of a camera's detections, frame to frame: ByteTrack ({@link ByteTracker}) with its Kalman
 * filter over boxes ({@link BoxKalmanFilter}) and optimal assignment ({@link LinearAssignment}). Pure: no Kafka here;
 * the vision stage keeps each camera's tracker in a state store.
 */
package io.sensorium.processors.vision.track;
