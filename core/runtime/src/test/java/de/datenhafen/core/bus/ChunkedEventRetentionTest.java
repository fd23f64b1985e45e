package de.datenhafen.core.bus;

import java.util.List;

/** Every retention test of {@link EventRetentionTest}, on the chunked storage. */
class ChunkedEventRetentionTest extends EventRetentionTest {

    @Override
    GroupCommitLog startLog() {
        return ChunkedEventLog.start(db.dataSource(), H2EventLog.Settings.DEFAULTS.withClock(clock));
    }

    @Override
    EventRetention retention(List<RetentionPolicy> policies, int batchSize) {
        return new EventRetention((ChunkedEventLog) log, policies, clock);
    }
}
