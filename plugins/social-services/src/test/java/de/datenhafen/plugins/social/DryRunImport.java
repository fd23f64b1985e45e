package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;

/**
 * What the import fuzz tests run: a dry run of {@code POST /import} by the admin, against a directory that holds the
 * city taxonomy (so a valid import can pass), within the default limits made small (so each run stays small). Its
 * contract: 200 with {@code valid}, or a clear refusal (400 with problems, 413 or 422 naming a limit), never a 500.
 */
final class DryRunImport {

    private static final Limits SMALL = new Limits(500, 200, 10, 20, 1, 8, 64, 100, 20_000);
    private static final Directory DIR = directory();

    private DryRunImport() {
    }

    private static Directory directory() {
        try {
            return new Directory(TestDb.create("fuzz"), ZoneId.of("Europe/Berlin"), () -> Callers.OWNER).load();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertAnswersValidOrAClearRefusal(String contentType, byte[] body) {
        Api.Response r = HubAnswers.of(new Api(DIR, SMALL, null), new Api.Request("POST", "import", "dry_run=true",
            Callers.owner(), contentType, body));
        assertThat(r.status()).as(String.valueOf(r.body())).isIn(200, 400, 413, 422);
        assertThat(r.body().get(r.status() == 200 ? "valid" : "error")).isNotNull();
    }
}
