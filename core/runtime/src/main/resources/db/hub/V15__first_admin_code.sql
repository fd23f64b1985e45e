-- The one-time code for the first admin, per node that printed one (as its SHA-256 only): any node of the database
-- takes any node's code, so the setup page behind a load balancer works whichever node answers it.
CREATE TABLE first_admin_code (
    node_id     VARCHAR(128)             NOT NULL PRIMARY KEY,
    code_hash   CHAR(64)                 NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
