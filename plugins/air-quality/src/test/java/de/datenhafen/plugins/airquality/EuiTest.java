package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The EUI read by hand, against the way it replaced. */
class EuiTest {

    private static final Pattern EUI = Pattern.compile("[0-9A-F]{16}");

    /** The old way: separators out, upper case, then the pattern. */
    private static String before(String sent) {
        String eui = sent.replace(":", "").replace("-", "").toUpperCase(Locale.ROOT);
        return EUI.matcher(eui).matches() ? eui : null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"70B3D57ED0000001", "70b3d57ed0000001", "70:B3:D5:7E:D0:00:00:01", "70-b3-d5-7e-d0-00-00-01",
        "::70B3D57ED0000001--", "FFFFFFFFFFFFFFFF", "0000000000000000", "70B3D57ED000001", "70B3D57ED00000012",
        "70B3D57ED000000G", "70B3D57ED000000 ", "", ":", "70B3D57ED00000\u00e41", "70B3 D57ED0000001",
        "\u0660\u0661B3D57ED0000001", "70B3D57ED000000\u0131"})
    void normalizesAsTheOldWayDid(String sent) {
        assertThat(Eui.normalize(sent)).isEqualTo(before(sent));
        if (before(sent) != null) {
            assertThat(Eui.isNormal(Eui.normalize(sent))).isTrue();
        }
    }

    @Test
    void refusesTheLigatureTheOldWayTookForTwoFs() {
        assertThat(before("70B3D57ED00000\ufb00")).isEqualTo("70B3D57ED00000FF");
        assertThat(Eui.normalize("70B3D57ED00000\ufb00")).isNull();
    }
}
