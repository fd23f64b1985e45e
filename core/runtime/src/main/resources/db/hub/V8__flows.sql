-- Flows (issue 18): routes defined as data, with every version kept. Plain SQL that H2 and PostgreSQL both accept.

-- A flow: the version that runs and whether the admin wants it running. member_id null is a hub-admin's flow (its
-- events are the hub's); a member's flow sees and writes only its member's events.
CREATE TABLE flow (
    name        VARCHAR(63)  NOT NULL PRIMARY KEY,
    member_id   VARCHAR(64),
    version     INT          NOT NULL,
    desired     VARCHAR(16)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Every version of a flow's YAML, encrypted as a whole with the data folder's key (sink secrets are in it).
CREATE TABLE flow_version (
    name        VARCHAR(63)  NOT NULL,
    version     INT          NOT NULL,
    definition  VARCHAR(1000000) NOT NULL,
    note        VARCHAR(200),
    created_by  VARCHAR(140),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (name, version)
);
