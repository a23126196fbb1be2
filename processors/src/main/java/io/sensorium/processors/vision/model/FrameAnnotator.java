package io.sensorium.processors.vision.model;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import io.sensorium.core.records.Detection;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Draws detections (boxes and "#track label score") or classifications (the labels, top left) on a frame with OpenCV, as
 * JPEG, so that a person can look at what the model saw.
 */
public final class FrameAnnotator {
    private static final int JPEG_QUALITY = 90;
    /** One colour per label id (BGR), cycling, so the same class keeps its colour across frames. */
    private static final Scalar[] COLOURS = {
        new Scalar(56, 56, 255, 0), new Scalar(151, 157, 255, 0), new Scalar(31, 112, 255, 0),
        new Scalar(29, 178, 255, 0), new Scalar(49, 210, 207, 0), new Scalar(10, 249, 72, 0),
        new Scalar(23, 204, 146, 0), new Scalar(134, 219, 61, 0), new Scalar(211, 188, 0, 0),
        new Scalar(255, 115, 100, 0)
    };

    private FrameAnnotator() {}

    /**
     * @param image       the image to draw on (any size)
     * @param frameWidth  the width the boxes' coordinates refer to
     * @param frameHeight the height the boxes' coordinates refer to
     */
    public static byte[] annotate(RgbImage image, int frameWidth, int frameHeight, List<Detection> detections) {
        double sx = (double) image.width() / frameWidth;
        double sy = (double) image.height() / frameHeight;
        try (Mat bgr = ImageCodec.toBgr(image)) {
            int line = 0;
            for (Detection d : detections) {
                Scalar colour = COLOURS[d.labelId() % COLOURS.length];
                String text = (d.trackId() == null ? "" : "#" + d.trackId() + " ") + d.label()
                        + String.format(Locale.ROOT, " %.2f", d.score());
                if (d.box() == null) {
                    putText(bgr, text, new Point(6, 20 + 20 * line++), FONT_HERSHEY_SIMPLEX, 0.6, colour, 2, LINE_AA, false);
                    continue;
                }
                Point topLeft = new Point((int) Math.round(d.box().get(0) * sx), (int) Math.round(d.box().get(1) * sy));
                Point bottomRight = new Point((int) Math.round(d.box().get(2) * sx), (int) Math.round(d.box().get(3) * sy));
                rectangle(bgr, topLeft, bottomRight, colour, 2, LINE_AA, 0);
                putText(bgr, text, new Point(topLeft.x() + 2, Math.max(topLeft.y() - 4, 12)), FONT_HERSHEY_SIMPLEX, 0.5,
                        colour, 1, LINE_AA, false);
            }
            return ImageCodec.encode(bgr, ".jpg", new int[] {IMWRITE_JPEG_QUALITY, JPEG_QUALITY});
        }
    }
}
