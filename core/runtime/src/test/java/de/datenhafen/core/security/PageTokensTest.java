package de.datenhafen.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A console page carries its session's page token for writes. Nodes of one database share sessions and
 * {@code secret.key}, so a page one node rendered must write through another, and a page open across a restart must
 * still write; a hub with another secrets key (another installation) must not accept it.
 */
class PageTokensTest {

    private static final String PURPOSE = "console page csrf";

    @TempDir
    static Path dir;

    private static Database db;
    private static String cookie;

    /** One database for the class (its migrations are most of the time): the person and the session are read only. */
    @BeforeAll
    static void aSignedInPerson() {
        db = Database.open("jdbc:h2:async:" + dir.resolve("hub").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE",
            "sa", "");
        new Members(db).create("luftblick", "Luftblick Sensorik GmbH", null);
        Users users = new Users(db, new Passwords(64, 1));
        Users.Invited vera = users.create("luftblick", "vera", "Vera", "vera@luftblick.example",
            Set.of(Role.MEMBER_ADMIN));
        Users.User user = users.setUp(vera.setupCode(), "a long enough password 1");
        cookie = node(dir.resolve("node-1")).open(user, "test").id();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    /** A node's sessions: the shared database, the page key from the secrets key in {@code data}. */
    private static Sessions node(Path data) {
        return new Sessions(db, new Users(db, new Passwords(64, 1)), new Members(db), Duration.ofMinutes(30),
            Duration.ofHours(8), SecretBox.open(data).derive(PURPOSE));
    }

    @Test
    void aPageRenderedByOneNodeWritesThroughAnotherThatSharesTheSecretsKey() throws Exception {
        Path one = dir.resolve("node-1");
        Path two = Files.createDirectories(dir.resolve("node-2"));
        Files.copy(one.resolve("secret.key"), two.resolve("secret.key"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING); // as docs/operations.md asks

        String page = node(one).pageToken(cookie);

        assertThat(node(two).resolve(cookie)).hasValueSatisfying(s -> assertThat(s.csrfMatches(page)).isTrue());
        // the same node after a restart: the key read again from its data folder
        assertThat(node(one).resolve(cookie)).hasValueSatisfying(s -> assertThat(s.csrfMatches(page)).isTrue());
    }

    @Test
    void aHubWithAnotherSecretsKeyRefusesThePagesToken() {
        String page = node(dir.resolve("node-1")).pageToken(cookie);

        assertThat(node(dir.resolve("elsewhere")).resolve(cookie))
            .hasValueSatisfying(s -> assertThat(s.csrfMatches(page)).isFalse());
    }

    @Test
    void thePageKeyIsNotTheSecretsKeyAndDiffersByPurpose() throws Exception {
        SecretBox box = SecretBox.open(dir.resolve("node-1"));
        byte[] key = java.util.Base64.getDecoder().decode(
            Files.readString(dir.resolve("node-1").resolve("secret.key")).trim());

        assertThat(box.derive(PURPOSE)).hasSize(32).isNotEqualTo(key).isEqualTo(box.derive(PURPOSE))
            .isNotEqualTo(box.derive("another purpose"));
    }
}
