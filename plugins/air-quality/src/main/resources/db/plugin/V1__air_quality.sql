-- The air-quality plugin's own schema. Times are stored as seconds since 2020-01-01T00:00:00Z in an INT (good until
-- 2088) and quantities as scaled SMALLINTs, so a raw reading row stays small: 65 million of them are expected.

CREATE TABLE site (
    id VARCHAR(64) PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    address VARCHAR(300),
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION
);

CREATE TABLE room (
    room_key INT AUTO_INCREMENT PRIMARY KEY,
    site_id VARCHAR(64) NOT NULL REFERENCES site(id),
    id VARCHAR(64) NOT NULL,
    name VARCHAR(200) NOT NULL,
    kind VARCHAR(40) NOT NULL,
    CONSTRAINT room_in_site UNIQUE (site_id, id)
);

-- Where a device was installed, and when: a move closes one row (until) and opens another. Readings are attributed
-- to the room the device was in at the reading's time, so a moved device's history stays with its old room.
CREATE TABLE installation (
    dev_eui VARCHAR(32) NOT NULL,
    since TIMESTAMP WITH TIME ZONE NOT NULL,
    until TIMESTAMP WITH TIME ZONE,
    room_key INT NOT NULL REFERENCES room(room_key),
    PRIMARY KEY (dev_eui, since)
);

-- Raw readings: co2 in ppm, temperature in 1/100 degC, humidity in 1/10 %, pressure in 1/10 hPa (NULL: not sent).
CREATE TABLE reading (
    room_key INT NOT NULL,
    t INT NOT NULL,
    co2 SMALLINT NOT NULL,
    temp SMALLINT NOT NULL,
    hum SMALLINT NOT NULL,
    pres SMALLINT,
    PRIMARY KEY (room_key, t)
);

CREATE TABLE latest (
    room_key INT PRIMARY KEY,
    t INT NOT NULL,
    co2 SMALLINT NOT NULL,
    temp SMALLINT NOT NULL,
    hum SMALLINT NOT NULL,
    pres SMALLINT
);

-- 20-minute buckets (bucket = t / 1200): sums for means, the CO2 maximum, and how many readings fell in each CO2
-- band, so minutes per band can be derived without the raw readings. Kept after the raw readings are dropped.
CREATE TABLE avg20 (
    room_key INT NOT NULL,
    bucket INT NOT NULL,
    n INT NOT NULL,
    co2_sum BIGINT NOT NULL,
    co2_max SMALLINT NOT NULL,
    temp_sum BIGINT NOT NULL,
    hum_sum BIGINT NOT NULL,
    pres_sum BIGINT NOT NULL,
    pres_n INT NOT NULL,
    n_green INT NOT NULL,
    n_yellow INT NOT NULL,
    n_red INT NOT NULL,
    PRIMARY KEY (room_key, bucket)
);

-- Daily statistics per room (day_no: days since 1970-01-01 in the configured zone). Minutes in a band: each 20-minute
-- bucket with readings counts 20 minutes, shared among the bands in proportion to its readings.
CREATE TABLE daily (
    room_key INT NOT NULL,
    day_no INT NOT NULL,
    n INT NOT NULL,
    co2_sum BIGINT NOT NULL,
    co2_max SMALLINT NOT NULL,
    temp_sum BIGINT NOT NULL,
    hum_sum BIGINT NOT NULL,
    min_green DOUBLE PRECISION NOT NULL,
    min_yellow DOUBLE PRECISION NOT NULL,
    min_red DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (room_key, day_no)
);

-- CO2 alert episodes per room: since = first reading above the threshold; raised_at / cleared_at by reading times.
-- The *_sent flags say whether the event is on the bus yet (it is sent again, with the same id, until it is).
CREATE TABLE alert (
    room_key INT NOT NULL,
    since INT NOT NULL,
    raised_at INT,
    cleared_at INT,
    peak SMALLINT NOT NULL,
    raised_sent BOOLEAN DEFAULT FALSE NOT NULL,
    cleared_sent BOOLEAN DEFAULT FALSE NOT NULL,
    PRIMARY KEY (room_key, since)
);
