package io.sensorium.processors.vision.track;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A named area of a camera's view, a polygon in fractions of the frame's width and height. An object is in it when
 * the bottom centre of its box is — where it stands on the ground, supervision's {@code PolygonZone} default anchor —
 * so that a person walking past a door's zone with only their head over it is not taken to be at the door.
 */
public final class Zone {
    /** A thousandth of a pixel of a 1000-pixel frame: boxes are in pixels, so anything nearer is on the edge. */
    private static final double EDGE_TOLERANCE = 1e-6;
    private final String name;
    private final double[] xs;
    private final double[] ys;

    /** @param corners the polygon's corners, {@code [x, y]} fractions, three or more */
    public Zone(String name, List<List<Double>> corners) {
        if (corners.size() < 3) {
            throw new IllegalArgumentException("zone " + name + " needs 3 corners or more, not " + corners.size());
        }
        this.name = name;
        this.xs = new double[corners.size()];
        this.ys = new double[corners.size()];
        for (int i = 0; i < corners.size(); i++) {
            xs[i] = corners.get(i).get(0);
            ys[i] = corners.get(i).get(1);
        }
    }

    /** A camera's zones from the configuration's mapping of names to polygons, in its order. */
    public static List<Zone> of(Map<String, List<List<Double>>> polygons) {
        List<Zone> zones = new ArrayList<>(polygons.size());
        polygons.forEach((name, corners) -> zones.add(new Zone(name, corners)));
        return zones;
    }

    public String name() {
        return name;
    }

    /**
     * @param box         {@code [x1, y1, x2, y2]} in the frame's pixels
     * @param frameWidth  the frame's width, in pixels
     * @param frameHeight its height
     */
    public boolean holds(List<Double> box, int frameWidth, int frameHeight) {
        // A box reaching past the frame (DETR's may) is of an object cut off by it: it stands at the frame's edge.
        return contains(clamp((box.get(0) + box.get(2)) / 2 / frameWidth), clamp(box.get(3) / frameHeight));
    }

    private static double clamp(double fraction) {
        return Math.max(0, Math.min(1, fraction));
    }

    /**
     * Even-odd ray casting, with the edges inside: a zone drawn to the frame's border holds an object standing on it
     * (a box cut by the frame's bottom has its anchor there), as OpenCV's fillPoly mask in supervision does.
     */
    boolean contains(double x, double y) {
        boolean inside = false;
        for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
            if (onEdge(x, y, xs[j], ys[j], xs[i], ys[i])) {
                return true;
            }
            if ((ys[i] > y) != (ys[j] > y) && x < (xs[j] - xs[i]) * (y - ys[i]) / (ys[j] - ys[i]) + xs[i]) {
                inside = !inside;
            }
        }
        return inside;
    }

    private static boolean onEdge(double x, double y, double x1, double y1, double x2, double y2) {
        double cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
        return Math.abs(cross) <= EDGE_TOLERANCE && x >= Math.min(x1, x2) - EDGE_TOLERANCE
                && x <= Math.max(x1, x2) + EDGE_TOLERANCE && y >= Math.min(y1, y2) - EDGE_TOLERANCE
                && y <= Math.max(y1, y2) + EDGE_TOLERANCE;
    }
}
