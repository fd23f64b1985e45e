package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.HubException;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Dead letters, on H2 and on PostgreSQL ({@link DeadLetterStoreContract}, and what the database adds). */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class DeadLetterStoreTest extends DeadLetterStoreContract {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    Database db;
    SubscriptionStore subscriptions;

    @BeforeEach
    void open() {
        db = database.open(dir);
        subscriptions = new SubscriptionStore(db.dataSource(), clock);
        store = new JdbcDeadLetterStore(db.dataSource(), clock);
        subscriptions.create("webhook", EventFilter.ALL, 0);
        subscriptions.create("archive", EventFilter.ALL, 0);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void refusesADeadLetterForAnUnknownSubscription() {
        assertThatThrownBy(() -> store.add("ghost", 1, "e", 1, T)).isInstanceOf(HubException.class);
    }

    @Test
    void deadLettersGoWithTheirSubscription() {
        store.add("webhook", 1, "e", 1, T);
        store.add("archive", 2, "e", 1, T);

        subscriptions.delete("webhook");

        assertThat(store.list(DeadLetterFilter.ALL, 0, 10)).extracting(DeadLetter::subscription)
            .containsExactly("archive");
    }
}
