package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An audit entry's detail: kept without what a refused URL held in secret (the audit is read by more people than
 * the one who typed it), said in German by the hub's catalogue with its counts as numbers, kept whole or not at all.
 */
class AuditDetailTest {

    @Test
    void aRefusedUrlsUserPasswordAndQueryAreNotKept() {
        String url = "gopher://svc:GeheimPW42@hooks.example.org/in?key=GeheimKey77";
        AuditDetail d = new AuditDetail().refused("config.url", "must be an http(s) URL; was '" + url + "'",
            "config.check.url", List.of(url));

        String stored = AuditDetail.encode(d.parts());
        assertThat(stored).doesNotContain("GeheimPW42", "GeheimKey77", "svc:");
        assertThat(d.english()).isEqualTo("refused: config.url: must be an http(s) URL; was "
            + "'gopher://********@hooks.example.org/in?********'");
        assertThat(AuditDetail.withoutCredentials("an address like ilka@kita.example, is it?"))
            .as("no URL in it: as it is").isEqualTo("an address like ilka@kita.example, is it?");
    }

    @Test
    void aRefusalIsSaidInGermanWithItsCountsAsNumbers() {
        AuditDetail d = new AuditDetail().refused("name", "name has at most 200 characters", "text.tooLong",
            List.of("name", 200));
        AuditDetail.Part kept = AuditDetail.decode(AuditDetail.encode(d.parts())).get(0);
        // kept as text, "200" is formatted by "{1,number,#}" again (it fell back to the English)
        assertThat(kept.refusalInGerman(null)).isEqualTo("name: Höchstens 200 Zeichen.");
        assertThat(new AuditDetail().refused(null, "wrong", null, List.of()).parts().get(0).refusalInGerman(null))
            .as("no code: its own words").isEqualTo("wrong");
    }

    @Test
    void anEntryKeepsWholePartsOnly() {
        AuditDetail d = new AuditDetail();
        for (int i = 0; i < 15; i++) {
            d.add("config", "x".repeat(300));
        }
        assertThat(d.parts()).as("at most ten parts").hasSize(10);
        List<AuditDetail.Part> kept = AuditDetail.decode(AuditDetail.encode(d.parts()));
        assertThat(kept).isNotEmpty().allSatisfy(p -> assertThat(p.values().get(0)).hasSize(201)); // cut, marked
        assertThat(AuditDetail.encode(d.parts()).length()).isLessThanOrEqualTo(4000);
        assertThat(AuditDetail.decode("{not json")).as("not as written: none").isEmpty();
    }
}
