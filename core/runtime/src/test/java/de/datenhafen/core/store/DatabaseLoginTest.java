package de.datenhafen.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.core.config.HubConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.h2.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's own database user gets a password the hub made, kept in a file only the hub's OS user reads, so plugin
 * code in the same JVM cannot log in as {@code sa} with the empty default; an installation from before is moved to
 * it at its first start without losing data.
 */
class DatabaseLoginTest {

    @TempDir
    Path home;

    @Test
    void aNewInstallationGetsAGeneratedPasswordAndTheEmptyOneNoLongerOpensTheDatabase() throws IOException {
        HubConfig config = HubConfig.load(home, Map.of(), Map.of());
        DatabaseLogin login = DatabaseLogin.of(config);

        try (Database db = Database.open(login)) {
            assertThat(db.isUp()).isTrue();
            assertThatThrownBy(() -> DriverManager.getConnection(config.dbUrl(), "sa", "").close())
                .isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.WRONG_USER_OR_PASSWORD));
        }
        Path key = config.dataDir().resolve("db.key");
        assertThat(Files.readString(key).trim()).isEqualTo(login.password()).hasSize(43);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(login.formerPassword()).isEmpty();
        assertThat(login.toString()).doesNotContain(login.password());
        assertThat(DatabaseLogin.of(config).password()).as("read again at the next start").isEqualTo(login.password());
    }

    @Test
    void movesAnInstallationWhoseSaHasTheEmptyPasswordToTheGeneratedOneAndKeepsItsData() throws SQLException {
        HubConfig config = HubConfig.load(home, Map.of(), Map.of());
        try (Database earlier = Database.open(config.dbUrl(), "sa", "");
             Connection c = earlier.connection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO hub_setting (name, val) VALUES ('note', 'kept')");
        }

        try (Database db = Database.open(DatabaseLogin.of(config));
             Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT val FROM hub_setting WHERE name = 'note'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("kept");
            assertThatThrownBy(() -> DriverManager.getConnection(config.dbUrl(), "sa", "").close())
                .isInstanceOf(SQLException.class);
        }
        try (Database again = Database.open(DatabaseLogin.of(config))) {
            assertThat(again.isUp()).as("the second start opens it directly").isTrue();
        }
    }

    @Test
    void keepsAConfiguredPasswordAndMakesNoKey() {
        HubConfig config = HubConfig.load(home, Map.of(), Map.of(HubConfig.DB_PASSWORD, "chosen-by-the-admin"));

        DatabaseLogin login = DatabaseLogin.of(config);

        assertThat(login.password()).isEqualTo("chosen-by-the-admin");
        assertThat(login.formerPassword()).isNull();
        assertThat(config.dataDir().resolve("db.key")).doesNotExist();
    }

    @Test
    void refusesAKeyFileItDidNotMake() throws IOException {
        HubConfig config = HubConfig.load(home, Map.of(), Map.of());
        Files.createDirectories(config.dataDir());
        Files.writeString(config.dataDir().resolve("db.key"), "x' ; DROP ALL OBJECTS; --");

        assertThatThrownBy(() -> DatabaseLogin.of(config)).hasMessageEndingWith("does not hold a database password "
            + "the hub made (16 or more letters, digits, '-' or '_'); restore it, or remove it only together with the "
            + "database");
    }

    @Test
    void makesTheDataFolderAndTheFilesInItReadableByTheHubsUserOnly() throws IOException {
        Path data = Files.createDirectories(home.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secret = Files.writeString(data.resolve("secret.key"), "from an older version");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));

        DataFolder.makePrivate(data);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
    }
}
