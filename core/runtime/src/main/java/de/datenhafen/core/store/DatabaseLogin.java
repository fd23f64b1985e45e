package de.datenhafen.core.store;

import de.datenhafen.core.config.HubConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * How the hub logs in to its own database.
 *
 * <p>An embedded H2 database is open in the hub's JVM, where plugin code runs too: with the user {@code sa} and the
 * empty default password, any plugin could open a connection of its own and write the hub's tables (an admin token,
 * for one). So when the database is H2 in this process and no password is configured, the hub makes one at the first
 * start, keeps it in {@value #KEY_FILE} in the data folder (readable by the hub's OS user only, see
 * {@link DataFolder}), reads it once here and sets it on the database. An installation whose {@code sa} still has
 * the former password (the configured one, empty by default) is moved to the new one at its first start (see
 * {@link Database#open(DatabaseLogin)}). Plugins get only their own schema's user, through
 * {@code PluginContext.database()}.
 *
 * <p>This keeps honest plugins and copied snippets out; it does not stop code that reads the key file (the hub's
 * OS user can) or the hub's memory by reflection: in one JVM, the control is which code is admitted at all.
 *
 * @param formerPassword the password to replace with {@code password} if the database still has it, else null
 */
public record DatabaseLogin(String url, String user, String password, String formerPassword) {

    /** The file in the data folder that holds the generated password. */
    public static final String KEY_FILE = "db.key";

    /** The login for the hub configured by {@code config}: the configured password, or the generated one. */
    public static DatabaseLogin of(HubConfig config) {
        String url = config.dbUrl();
        boolean inProcessH2 = url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:")
            && !url.startsWith("jdbc:h2:ssl:");
        if (!inProcessH2 || !config.dbPassword().isEmpty()) {
            return new DatabaseLogin(url, config.dbUser(), config.dbPassword(), null);
        }
        return new DatabaseLogin(url, config.dbUser(), readOrMakeKey(config.dataDir()), config.dbPassword());
    }

    private static String readOrMakeKey(Path dataDir) {
        Path file = dataDir.resolve(KEY_FILE);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] bytes = new byte[32];
                new SecureRandom().nextBytes(bytes);
                Path tmp = DataFolder.createPrivateFile(dataDir.resolve("." + KEY_FILE + ".tmp"));
                Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n");
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            String key = Files.readString(file, StandardCharsets.US_ASCII).trim();
            // It is put into an ALTER USER statement, which takes no parameters: only this alphabet may pass.
            if (!key.matches("[A-Za-z0-9_-]{16,200}")) {
                throw new IllegalStateException(file + " does not hold a database password the hub made (16 or more "
                    + "letters, digits, '-' or '_'); restore it, or remove it only together with the database");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the database key " + file, e);
        }
    }

    @Override
    public String toString() {
        return "DatabaseLogin{" + Database.redactUrl(url) + " as " + user + "}";
    }
}
