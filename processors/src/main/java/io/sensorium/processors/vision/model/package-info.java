/**
 * The vision models apart from any Kafka stage: model files and sessions, the image processors' pixel preparation
 * (Pillow's resampling reproduced), post-processing per head family, and frame annotation.
 */
package io.sensorium.processors.vision.model;
