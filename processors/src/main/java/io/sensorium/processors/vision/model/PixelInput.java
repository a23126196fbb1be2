package io.sensorium.processors.vision.model;

import io.sensorium.core.records.InvalidRecordException;
import io.sensorium.core.records.PixelFrame;
import io.sensorium.core.records.PixelNormalization;

/**
 * A model's input made from a pixel record: the image decoded, enlarged to the input size where the preprocessor
 * left that to here, and rescaled and normalised into a channel-first float tensor.
 *
 * @param chw    {@code 3 x height x width} values
 * @param stored the image as the record carried it (for drawing annotations on)
 */
public record PixelInput(float[] chw, int height, int width, RgbImage stored) {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** @throws InvalidRecordException when the image is broken or not of a size the headers allow */
    public static PixelInput of(PixelFrame frame, PillowResize.Filter filter) {
        if (frame.format() == PixelFrame.Format.RGB8) {
            if (frame.image().length != frame.inputWidth() * frame.inputHeight() * 3) {
                throw new InvalidRecordException("pixel frame " + frame.sequence() + ": " + frame.image().length
                        + " bytes are not a " + frame.inputWidth() + "x" + frame.inputHeight() + " RGB image");
            }
            RgbImage input = new RgbImage(frame.inputWidth(), frame.inputHeight(), frame.image());
            return new PixelInput(normalise(input, frame.normalization()), input.height(), input.width(), input);
        }
        int[] size = frame.format() == PixelFrame.Format.JPEG ? jpegSize(frame.image()) : pngSize(frame.image());
        boolean atInput = size[0] == frame.inputWidth() && size[1] == frame.inputHeight();
        boolean atFrame = size[0] == frame.frameWidth() && size[1] == frame.frameHeight();
        if (!atInput && !atFrame) {
            throw new InvalidRecordException("pixel frame " + frame.sequence() + ": the image is " + size[0] + "x" + size[1]
                    + ", neither the input size " + frame.inputWidth() + "x" + frame.inputHeight() + " nor the frame's "
                    + frame.frameWidth() + "x" + frame.frameHeight());
        }
        RgbImage stored = ImageCodec.decode(frame.image(), "pixel frame " + frame.sequence());
        RgbImage input = stored.resize(frame.inputWidth(), frame.inputHeight(), filter);
        return new PixelInput(normalise(input, frame.normalization()), input.height(), input.width(), stored);
    }

    static float[] normalise(RgbImage image, PixelNormalization n) {
        int plane = image.width() * image.height();
        float[] chw = new float[3 * plane];
        byte[] pixels = image.pixels();
        for (int c = 0; c < 3; c++) {
            // A lookup per channel: 256 possible values, computed as transformers does (float64, then float32).
            float[] table = new float[256];
            for (int v = 0; v < 256; v++) {
                table[v] = (float) ((v * n.scale() - n.mean()[c]) / n.std()[c]);
            }
            int offset = c * plane;
            for (int i = 0; i < plane; i++) {
                chw[offset + i] = table[pixels[i * 3 + c] & 0xff];
            }
        }
        return chw;
    }

    /** {width, height} as the JPEG's start-of-frame declares it, before any decoding. */
    private static int[] jpegSize(byte[] image) {
        JpegHeader jpeg = JpegHeader.read(image);
        return new int[] {jpeg.width(), jpeg.height()};
    }

    /** {width, height} as the PNG's header declares it, before any decoding. */
    private static int[] pngSize(byte[] image) {
        if (image.length < 24) {
            throw new InvalidRecordException("pixel record of " + image.length + " bytes is too short for a PNG");
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (image[i] != PNG_SIGNATURE[i]) {
                throw new InvalidRecordException("pixel record is not the PNG its format header says");
            }
        }
        return new int[] {readInt(image, 16), readInt(image, 20)};
    }

    private static int readInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
    }
}
