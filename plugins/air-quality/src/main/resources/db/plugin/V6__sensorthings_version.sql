-- The general SensorThings store's version: one row, one more after each committed change of entities other than
-- Observations. Each sensorthings-store integration (of this hub or of another node on the same database) holds the
-- store's Things, Locations, Datastreams and so on in memory; it compares this number with the one its graph was
-- read at and reads them again when they differ. A write locks the row first (SELECT ... FOR UPDATE), so writers of
-- several integrations and nodes take turns and each checks what the others committed. Plain SQL for H2 and
-- PostgreSQL alike.
CREATE TABLE sta_version (
    id INT PRIMARY KEY,
    version BIGINT NOT NULL
);

INSERT INTO sta_version (id, version) VALUES (1, 0);
