-- An Observation pushed through the SensorThings API (airquality-sensorthings) carries one quantity, so a raw
-- reading row may lack some of them until the others arrive for the same room and second. Only complete rows (CO2,
-- temperature and humidity) feed the latest values, the 20-minute buckets, the daily statistics and the alerts.
ALTER TABLE reading ALTER COLUMN co2 DROP NOT NULL;
ALTER TABLE reading ALTER COLUMN temp DROP NOT NULL;
ALTER TABLE reading ALTER COLUMN hum DROP NOT NULL;
