-- The hub's own state. Plain SQL that H2 and PostgreSQL both accept.

CREATE TABLE admin_token (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    token_hash  VARCHAR(128) NOT NULL,
    role        VARCHAR(32)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE plugin_state (
    plugin_id   VARCHAR(128) NOT NULL PRIMARY KEY,
    enabled     BOOLEAN      NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE integration (
    name         VARCHAR(128) NOT NULL PRIMARY KEY,
    connector    VARCHAR(128) NOT NULL,
    plugin_id    VARCHAR(128) NOT NULL,
    config_json  CLOB         NOT NULL,
    desired      VARCHAR(16)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE hub_setting (
    name   VARCHAR(128) NOT NULL PRIMARY KEY,
    val    VARCHAR(4000) NOT NULL
);
