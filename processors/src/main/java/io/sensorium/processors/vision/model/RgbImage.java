package io.sensorium.processors.vision.model;

/**
 * An 8-bit RGB image, rows top to bottom, pixels interleaved (R, G, B).
 */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width <= 0 || height <= 0 || pixels.length != width * height * 3) {
            throw new IllegalArgumentException(pixels.length + " bytes are not a " + width + "x" + height + " RGB image");
        }
    }

    public RgbImage resize(int newWidth, int newHeight, PillowResize.Filter filter) {
        if (newWidth == width && newHeight == height) {
            return this;
        }
        return new RgbImage(newWidth, newHeight, PillowResize.resize(pixels, width, height, 3, newWidth, newHeight, filter));
    }
}
