-- Whose entity of the general SensorThings store it is: the member whose editor created it (null: made before the hub
-- had members, by a hub-admin without a member, or with open-writes; then only a hub-admin changes it, or anyone while
-- open-writes is on). Datastreams, HistoricalLocations and Observations have no column of their own: they are their
-- Thing's (an Observation its Datastream's Thing's), so a member changes only what hangs on its own Things.
ALTER TABLE sta_thing ADD COLUMN member VARCHAR(64);
ALTER TABLE sta_location ADD COLUMN member VARCHAR(64);
ALTER TABLE sta_sensor ADD COLUMN member VARCHAR(64);
ALTER TABLE sta_observed_property ADD COLUMN member VARCHAR(64);
ALTER TABLE sta_feature ADD COLUMN member VARCHAR(64);
