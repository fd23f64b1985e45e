package de.datenhafen.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.core.store.Database;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member token is checked on every request of a machine sender, so after its first check it must cost no database
 * read or write (issue 13 asks for member-token ingest at 0.95 of the bootstrap token's rate). Shown without timing,
 * so it holds on a busy machine: the database is closed after the first check, and the next thousand still pass.
 */
class ApiTokensCacheTest {

    @TempDir
    Path dir;

    @Test
    void aCheckedTokenIsCheckedAgainWithoutTheDatabase() {
        Database db = Database.open("jdbc:h2:async:" + dir.resolve("hub").toAbsolutePath()
            + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
        Members members = new Members(db);
        members.create("luftblick", "Luftblick Sensorik GmbH", null);
        ApiTokens tokens = new ApiTokens(db, members);
        String secret = tokens.create("luftblick", "uplinks", null, Set.of(Role.MEMBER_EDITOR), "air-quality", null,
            null, Principal.bootstrap("admin-configured")).secret();
        Optional<Principal> first = tokens.authenticate(secret);
        assertThat(first).isPresent();

        db.close();

        int passed = 0;
        for (int i = 0; i < 1_000; i++) {
            if (tokens.authenticate(secret).equals(first)) {
                passed++;
            }
        }
        assertThat(passed).isEqualTo(1_000);
        // and the database is really gone: a token not checked before is looked up there, and that fails
        assertThatThrownBy(() -> tokens.authenticate(secret + "x")).isInstanceOf(IllegalStateException.class)
            .hasMessage("cannot read tokens");
    }
}
