-- Every site gets a number, the @iot.id of its SensorThings Location: SensorThings clients and OGC's test suite expect
-- numeric ids. A number is given once and kept (also when the site is deleted), so a site deleted and created again
-- under the same id is the same Location, and a number is never handed to another site.
CREATE TABLE site_number (
    site_id VARCHAR(64) PRIMARY KEY,
    number INT AUTO_INCREMENT UNIQUE NOT NULL
);

INSERT INTO site_number (site_id) SELECT id FROM site ORDER BY id;
