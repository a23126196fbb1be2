package io.sensorium.processors.vision.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which points a zone holds: inside, outside, on its edges and corners, in a concave polygon. */
class ZoneTest {
    @Test
    void pointsInsideAndOnTheEdgesAreHeldOthersNot() {
        Zone whole = new Zone("all", List.of(List.of(0.0, 0.0), List.of(1.0, 0.0), List.of(1.0, 1.0), List.of(0.0, 1.0)));
        assertThat(whole.contains(0.5, 0.5)).isTrue();
        assertThat(whole.contains(0.5, 1.0)).as("on the frame's bottom edge").isTrue();
        assertThat(whole.contains(1.0, 1.0)).as("a corner").isTrue();
        assertThat(whole.holds(List.of(100.0, 50.0, 300.0, 480.0), 640, 480)).as("a box cut by the frame's bottom").isTrue();
        assertThat(whole.holds(List.of(100.0, 50.0, 300.0, 500.0), 640, 480)).as("a box past the frame's bottom").isTrue();

        // An L: the square's top-right quarter is cut out.
        Zone l = new Zone("l", List.of(List.of(0.0, 0.0), List.of(0.5, 0.0), List.of(0.5, 0.5), List.of(1.0, 0.5),
                List.of(1.0, 1.0), List.of(0.0, 1.0)));
        assertThat(l.contains(0.25, 0.25)).isTrue();
        assertThat(l.contains(0.75, 0.25)).isFalse();
        assertThat(l.contains(0.75, 0.75)).isTrue();
        assertThat(l.contains(1.5, 0.75)).isFalse();
        // The anchor is the box's bottom centre: this box's top is in the cut-out, its bottom in the L.
        assertThat(l.holds(List.of(60.0, 10.0, 90.0, 70.0), 100, 100)).isTrue();
        assertThat(l.holds(List.of(60.0, 10.0, 90.0, 40.0), 100, 100)).isFalse();
    }
}
