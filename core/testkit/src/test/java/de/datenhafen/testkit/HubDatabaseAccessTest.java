package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.h2.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Code in the hub's JVM (a plugin's) cannot log in to the hub's database as {@code sa} with the empty default
 * password, and no other OS user can read the data folder or its keys.
 */
class HubDatabaseAccessTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    @Test
    void codeInTheHubsJvmCannotLogInAsSaWithTheEmptyPassword() {
        String url = hub.hub().config().dbUrl();
        String plain = url.substring(0, url.indexOf(';'));

        for (String attempt : new String[] {url, plain}) {
            assertThatThrownBy(() -> DriverManager.getConnection(attempt, "sa", "").close()).as(attempt)
                .isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.WRONG_USER_OR_PASSWORD));
        }
    }

    @Test
    void keepsTheDataFolderAndItsFilesReadableByTheHubsUserOnly() throws IOException {
        Path data = hub.home().resolve("data");

        assertThat(permissions(data)).isEqualTo("rwx------");
        for (String file : new String[] {"db.key", "secret.key", "datenhafen.mv.db"}) {
            assertThat(permissions(data.resolve(file))).as(file).isEqualTo("rw-------");
        }
    }

    private static String permissions(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
