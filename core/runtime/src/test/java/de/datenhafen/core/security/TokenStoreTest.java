package de.datenhafen.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The break-glass admin token never begins with a member token's prefix ({@code dh_}): such a token is checked as a
 * member's token and refused on every request, so an admin who configured one, or got one made at the first start
 * (once in 262,144), could not get in.
 */
class TokenStoreTest {

    @TempDir
    Path dir;

    @Test
    void aConfiguredAdminTokenWithAMemberTokensPrefixIsRefusedAtStartSayingWhy() {
        try (Database db = TestDatabase.H2.open(dir)) {
            TokenStore store = new TokenStore(db);

            assertThatThrownBy(() -> store.ensureAdmin("dh_0123456789abcdef0123456789"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DATENHAFEN_ADMIN_TOKEN must not begin with dh_, the prefix of members' API tokens");
            store.ensureAdmin("an-admin-token-0123456789abcdef");
            assertThat(store.authenticate("an-admin-token-0123456789abcdef")).isPresent();
        }
    }

    /** Configuring a token is how an operator rotates the one the first start printed (to the journal). */
    @Test
    void configuringAnAdminTokenRevokesTheOneTheFirstStartMade() {
        try (Database db = TestDatabase.H2.open(dir)) {
            TokenStore store = new TokenStore(db);
            String printed = store.ensureAdmin(null).orElseThrow();
            assertThat(store.authenticate(printed)).isPresent();
            assertThat(store.ensureAdmin(null)).as("a later start shows none").isEmpty();

            store.ensureAdmin("the-configured-admin-token-0123");

            assertThat(store.authenticate(printed)).isEmpty();
            assertThat(store.authenticate("the-configured-admin-token-0123")).isPresent();
        }
    }

    @Test
    void aMadeAdminTokenIsMadeAgainWhileItBeginsWithAMemberTokensPrefix() {
        Iterator<String> random = List.of("dh_abc", "dh_def", "Zq9-made").iterator();

        assertThat(TokenStore.newToken(random::next)).isEqualTo("Zq9-made");
    }
}
