package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorium.processors.onnx.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against Hugging Face `tokenizers` on the same tokenizer.json (models/tools/tokenizer_reference.py). */
class WhisperTokenizerTest {
    private static WhisperTokenizer tokenizer;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = WhisperTokenizer.load(Fixtures.randomWhisper().resolve("tokenizer.json"));
        reference = new ObjectMapper().readTree(Fixtures.path("tokenizer/reference.json").toFile());
    }

    @Test
    void encodesLikeTheReference() {
        for (JsonNode c : reference.path("encode")) {
            assertThat(tokenizer.encode(c.path("text").asText())).as(c.path("text").asText())
                    .containsExactly(ints(c.path("ids")));
        }
    }

    @Test
    void decodesLikeTheReferenceSkippingSpecialTokens() {
        for (JsonNode c : reference.path("decode")) {
            assertThat(tokenizer.decode(ints(c.path("ids")))).isEqualTo(c.path("text").asText());
        }
        for (JsonNode c : reference.path("encode")) {
            String text = c.path("text").asText();
            if (!text.contains("<|")) {  // byte-level BPE round-trips any text without special tokens
                assertThat(tokenizer.decode(ints(c.path("ids")))).isEqualTo(text);
            }
        }
    }

    @Test
    void knowsWhispersSpecialAndTimestampTokens() {
        assertThat(tokenizer.endOfText()).isEqualTo(50256);
        assertThat(tokenizer.startOfTranscript()).isEqualTo(50257);
        assertThat(tokenizer.language("en")).hasValue(50258);
        assertThat(tokenizer.translate()).isEqualTo(50357);
        assertThat(tokenizer.transcribe()).isEqualTo(50358);
        assertThat(tokenizer.noTimestamps()).isEqualTo(50362);
        assertThat(tokenizer.timestampBegin()).isEqualTo(50363);
        assertThat(tokenizer.isTimestamp(50363 + 1500)).isTrue();
        assertThat(tokenizer.isSpecial(50257)).isTrue();
        assertThat(tokenizer.isSpecial(843)).isFalse();
        assertThat(tokenizer.timestampSeconds(50363 + 54)).isEqualTo(1.08, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void rendersTimestamps() {
        int[] hello = tokenizer.encode(" Hello there.");
        int[] ids = new int[hello.length + 4];
        ids[0] = 50257;
        ids[1] = 50363;
        System.arraycopy(hello, 0, ids, 2, hello.length);
        ids[hello.length + 2] = 50363 + 54;
        ids[hello.length + 3] = 50256;
        assertThat(tokenizer.decodeWithTimestamps(ids)).isEqualTo("<|0.00|> Hello there.<|1.08|>");
    }

    @Test
    void splitMultiByteCharactersDecodeWhole() {
        int[] ids = tokenizer.encode(" 日本語");
        assertThat(ids.length).isGreaterThan(1);
        assertThat(tokenizer.decode(ids)).isEqualTo(" 日本語");
    }

    @Test
    void theCacheOfWordsStaysBoundedAndTheEncodingsStayTheSame() {
        // An instance of its own: the shared one's cache holds the other tests' words.
        WhisperTokenizer own = WhisperTokenizer.load(Fixtures.randomWhisper().resolve("tokenizer.json"));
        String sentence = " Hello there, the 12345 words of a live stream.";
        int[] first = own.encode(sentence);
        for (int i = 0; i <= WhisperTokenizer.WORD_CACHE_LIMIT; i++) {
            own.encode(" stream " + i);
        }
        assertThat(own.cachedWords()).isPositive().isLessThanOrEqualTo(WhisperTokenizer.WORD_CACHE_LIMIT);
        assertThat(own.encode(sentence)).containsExactly(first);
    }

    @Test
    void rejectsAFileThatIsNotAWhisperTokenizer(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\"}}");
        assertThatThrownBy(() -> WhisperTokenizer.load(broken)).isInstanceOf(ModelException.class)
                .hasMessageContaining("not a byte-level BPE tokenizer");
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{not json");
        assertThatThrownBy(() -> WhisperTokenizer.load(garbage)).isInstanceOf(ModelException.class)
                .hasMessageContaining("not readable JSON");
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
