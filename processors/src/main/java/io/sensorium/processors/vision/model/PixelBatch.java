package io.sensorium.processors.vision.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * Input memory that runs of a model reuse, one run at a time: the pixel values and an all-ones pixel mask, in direct
 * buffers that ONNX Runtime reads where they are, grown to the largest batch seen. Made for each run, they were 17 MB
 * of a DETR frame (3 x 800 x 1066 floats, and an int64 mask value per pixel) allocated, copied into ONNX Runtime's
 * own buffers and collected. Not thread-safe.
 */
public final class PixelBatch {
    private FloatBuffer pixels;
    private LongBuffer ones;

    /** Room for {@code values} pixel values from the start, overwriting what the last batch left. */
    FloatBuffer pixels(int values) {
        if (pixels == null || pixels.capacity() < values) {
            pixels = ByteBuffer.allocateDirect(values * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        return pixels.clear().limit(values);
    }

    /** {@code values} ones, for a batch whose inputs are all image and no padding. */
    LongBuffer ones(int values) {
        if (ones == null || ones.capacity() < values) {
            ones = ByteBuffer.allocateDirect(values * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
            while (ones.hasRemaining()) {
                ones.put(1);
            }
        }
        return ones.duplicate().clear().limit(values);
    }
}
