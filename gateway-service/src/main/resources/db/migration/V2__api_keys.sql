-- API keys: only a keyed hash of each key is stored; the prefix finds the row without a scan.
CREATE TABLE api_keys (
    id          text PRIMARY KEY,
    name        text        NOT NULL,
    prefix      text        NOT NULL UNIQUE,
    secret_hash bytea       NOT NULL,
    scopes      text[]      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    expires_at  timestamptz,
    revoked_at  timestamptz
);
