package io.sensorium.ingest.video;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A decoded frame as a source yields it.
 *
 * @param image           BGR pixels; owned by the source and valid until its next frame
 * @param timestampMicros presentation time from the start of the source
 * @param jpeg            the source's own JPEG bytes when it had them (a still image), else null
 */
record VideoFrame(Mat image, long timestampMicros, byte[] jpeg) {}
