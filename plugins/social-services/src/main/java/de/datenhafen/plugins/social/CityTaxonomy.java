package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The city's topic taxonomy: counselling topics, cultural categories, access features and the schedule exception
 * {@code closed}. Each term carries its German name in HSDS {@code name} (language {@code de}), its English name in
 * {@code description}, and a stable English {@code code}; ids are name-based UUIDs of the code, so they are the
 * same in every installation and data set.
 */
final class CityTaxonomy {

    static final String TAXONOMY_ID = uuid("taxonomy:stadtthemen");
    static final String CLOSED_ID = termId("closed");

    /** code, parent code (or null), German name, English name. */
    private static final String[][] TERMS = {
        {"counselling", null, "Beratung", "Counselling"},
        {"debt", "counselling", "Schuldnerberatung", "Debt counselling"},
        {"migration", "counselling", "Migrationsberatung", "Migration advice"},
        {"addiction", "counselling", "Suchtberatung", "Addiction counselling"},
        {"family", "counselling", "Familienberatung", "Family counselling"},
        {"housing", "counselling", "Wohnungsnotfallhilfe", "Housing emergency help"},
        {"work", "counselling", "Arbeit und Beruf", "Work and jobs"},
        {"health", "counselling", "Gesundheit", "Health"},
        {"seniors", "counselling", "Seniorenberatung", "Advice for older people"},
        {"youth", "counselling", "Jugendhilfe", "Youth support"},
        {"disability", "counselling", "Leben mit Behinderung", "Living with a disability"},
        {"culture", null, "Kultur", "Culture"},
        {"concert", "culture", "Konzert", "Concert"},
        {"reading", "culture", "Lesung", "Reading"},
        {"exhibition", "culture", "Ausstellung", "Exhibition"},
        {"theatre", "culture", "Theater", "Theatre"},
        {"cinema", "culture", "Film", "Cinema"},
        {"course", "culture", "Kurs und Workshop", "Course and workshop"},
        {"access", null, "Zugang", "Access"},
        {"step-free", "access", "Stufenloser Zugang", "Step-free access"},
        {"accessible-toilet", "access", "Barrierefreies WC", "Accessible toilet"},
        {"hearing-loop", "access", "Induktionsschleife", "Hearing loop"},
        {"closed", null, "Geschlossen (Ausnahme)", "Closed (schedule exception)"},
    };

    private CityTaxonomy() {
    }

    static String uuid(String name) {
        return UUID.nameUUIDFromBytes(("datenhafen:social-services:" + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String termId(String code) {
        return uuid("term:" + code);
    }

    static ObjectNode taxonomy() {
        return Json.object().put("id", TAXONOMY_ID).put("name", "Stadtthemen / City topics")
            .put("description", "Beratungsthemen, Kulturangebote und Zugang in der Stadt / Counselling topics, "
                + "cultural offers and access features of the city")
            .put("version", "1");
    }

    static List<ObjectNode> terms() {
        List<ObjectNode> out = new ArrayList<>();
        for (String[] t : TERMS) {
            ObjectNode n = Json.object().put("id", termId(t[0])).put("code", t[0]).put("name", t[2])
                .put("description", t[3]).put("taxonomy_id", TAXONOMY_ID).put("language", "de");
            if (t[1] != null) {
                n.put("parent_id", termId(t[1]));
            }
            out.add(n);
        }
        return out;
    }
}
