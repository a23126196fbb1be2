package io.sensorium.processors.speech.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Against openai/whisper's BasicTextNormalizer (normalizers/basic.py, defaults): its outputs for these inputs. */
class BasicTextNormalizerTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "Pociąg do Warszawy odjeżdża dziś rano.|\"pociąg do warszawy odjeżdża dziś rano \"",
            "El tren — «sale» esta mañana [música] (risas)!|\"el tren sale esta mañana \"",
            "Ｆｕｌｌ width ＆ café|full width café",
            "Straße; ÀÉÎ – 50 %|\"straße àéî 50 \""})
    void normalisesAsWhisperDoes(String text, String expected) {
        assertThat(new BasicTextNormalizer().normalize(text)).isEqualTo(expected);
    }
}
