package io.sensorium.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * What the view makes of the records it reads: a page that connects gets each stream's finals and partial line and
 * each camera's newest detections with the URL of its frame; a camera keeps only its newest frames; streams are live,
 * lagging, idle or ended by what their records say and when they came.
 */
class ViewStateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ViewState state = new ViewState(JSON);

    @Test
    void aConnectingPageGetsTheFinalsThePartialAndTheNewestDetections() throws Exception {
        long now = 1_000_000;
        state.transcript(json("{\"type\":\"segment\",\"stream\":\"call\",\"start\":0,\"end\":1,\"text\":\" Hello\"}"), now, now);
        state.transcript(json("{\"type\":\"partial\",\"stream\":\"call\",\"revision\":3,\"text\":\" there\"}"), now, now);
        state.frame("cam/1", 7, new byte[] {1, 2});
        EventStream.Message detections = state.detections(json("{\"type\":\"detections\",\"stream\":\"cam/1\",\"frame\":7,"
                + "\"detections\":[]}"), now - 500, now);

        assertThat(json(detections.data()).path("image").asText()).isEqualTo("frames/cam%2F1/7.jpg");
        assertThat(state.frameJpeg("cam/1", 7)).containsExactly(1, 2);
        JsonNode snapshot = json(state.snapshot(now).data());
        assertThat(snapshot.at("/captions/call/finals/0/text").asText()).isEqualTo(" Hello");
        assertThat(snapshot.at("/captions/call/partial/text").asText()).isEqualTo(" there");
        assertThat(snapshot.at("/cameras/cam~11/frame").asLong()).isEqualTo(7);
        assertThat(snapshot.path("streams")).extracting(s -> s.path("id").asText() + " " + s.path("state").asText())
                .containsExactly("call live", "cam/1 live");
    }

    @Test
    void aCameraKeepsItsNewestFramesOnly() {
        for (long i = 0; i < 40; i++) {
            state.frame("cam", i, new byte[] {(byte) i});
        }
        assertThat(state.frameJpeg("cam", 39)).containsExactly(39);
        assertThat(state.frameJpeg("cam", 8)).containsExactly(8);
        assertThat(state.frameJpeg("cam", 7)).as("32 kept").isNull();
    }

    @Test
    void streamsAreLaggingIdleOrEndedByTheirRecords() throws Exception {
        long now = 2_000_000;
        state.detections(json("{\"type\":\"detections\",\"stream\":\"late\",\"frame\":1,\"detections\":[]}"), now - 3_500, now);
        state.detections(json("{\"type\":\"detections\",\"stream\":\"quiet\",\"frame\":1,\"detections\":[]}"), now - 20_000,
                now - 15_000);
        state.transcript(json("{\"type\":\"end\",\"stream\":\"done\",\"segments\":0}"), now, now);
        state.deadLetter("late", "vision", "broken JPEG");

        assertThat(json(state.streams(now).data())).extracting(s -> s.path("id").asText() + " " + s.path("state").asText()
                + " " + s.path("lag_seconds").asDouble() + " " + s.path("dead_letters").asInt())
                .containsExactly("late lagging 3.5 1", "quiet idle 5.0 0", "done ended 0.0 0");
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
