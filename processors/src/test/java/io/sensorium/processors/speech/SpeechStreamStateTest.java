package io.sensorium.processors.speech;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

/** A stream's place and language read back from the state store, including a state written before languages were. */
class SpeechStreamStateTest {
    @Test
    void readsBackWhatItWroteAndKeepsTheFirstWindowsLanguage() {
        SpeechStreamState state = SpeechStreamState.NEW.withReceived(4000).advanced(3000, 2).inLanguage("pl", 0.92);
        SpeechStreamState later = state.inLanguage("cs", 0.4);
        assertThat(later.language()).isEqualTo("pl");

        SpeechStreamState read = SpeechStreamState.fromBytes(later.toBytes());
        assertThat(read).isEqualTo(new SpeechStreamState(3000, 4000, 2, "pl", 0.92, null));
        assertThat(SpeechStreamState.fromBytes(SpeechStreamState.NEW.toBytes())).isEqualTo(SpeechStreamState.NEW);
        assertThat(SpeechStreamState.fromBytes(SpeechStreamState.NEW.inLanguage("de", null).toBytes()).languageProbability())
                .isNull();
    }

    @Test
    void aStateOfTheFirstVersionReadsAsOneWhoseLanguageIsNotKnown() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeLong(3000);
            out.writeLong(4500);
            out.writeInt(5);
        }
        assertThat(SpeechStreamState.fromBytes(bytes.toByteArray())).isEqualTo(new SpeechStreamState(3000, 4500, 5, null, null, null));
    }
}
