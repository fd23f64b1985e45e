-- The chunked event log (bus.storage=chunks, ChunkedEventLog): one row per group commit instead of one per event.
-- Sequences of chunks tile the log: a chunk covers first_seq..last_seq as written (retention may later remove some
-- of its events, never move its bounds), so the chunk holding a sequence is the first with last_seq >= it.
-- The headers are kept apart from the bytes so that scans for skipping, counting and retention read small rows.
CREATE TABLE bus_chunk (
    first_seq    BIGINT                   NOT NULL PRIMARY KEY,
    last_seq     BIGINT                   NOT NULL,
    -- when the group was committed; never goes back as first_seq grows (seek by time)
    stored_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    -- events still in the chunk
    event_count  INT                      NOT NULL,
    -- the chunk's event types with their counts, one "count type" a line (skipping, lag, retention by count)
    types        VARCHAR(1000000)         NOT NULL
);

CREATE INDEX bus_chunk_last ON bus_chunk (last_seq);

-- The events of a chunk, encoded (see ChunkCodec): a string table, then per event its attributes and data.
CREATE TABLE bus_chunk_data (
    first_seq  BIGINT NOT NULL PRIMARY KEY,
    data       BYTEA  NOT NULL
);
