-- People: organisations, their teams, users (each in at most one organisation, in any of its
-- teams), and API keys owned by users. Users are never deleted, only deactivated, so a key's or
-- an audit event's owner always exists.
CREATE TABLE organisations (
    id         text PRIMARY KEY,
    name       text        NOT NULL,
    slug       text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE teams (
    id         text PRIMARY KEY,
    org_id     text        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    slug       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, slug),
    -- the target of team_members' (team, organisation) reference
    UNIQUE (id, org_id)
);

CREATE TABLE users (
    id            text PRIMARY KEY,
    username      text        NOT NULL,
    display_name  text        NOT NULL,
    email         text,
    role          text        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    is_active     boolean     NOT NULL DEFAULT true,
    -- an Argon2id PHC string; null: the user cannot sign in with a password
    password_hash text,
    -- an organisation with users (active or not) cannot be deleted
    org_id        text REFERENCES organisations (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    UNIQUE (id, org_id)
);
-- usernames are unique whatever their case: "Alice" cannot pass for "alice"
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- A membership names the organisation twice (through the team and through the user), so a user
-- can only be in the teams of their own organisation.
CREATE TABLE team_members (
    team_id  text        NOT NULL,
    user_id  text        NOT NULL,
    org_id   text        NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id),
    FOREIGN KEY (team_id, org_id) REFERENCES teams (id, org_id) ON DELETE CASCADE,
    FOREIGN KEY (user_id, org_id) REFERENCES users (id, org_id) ON DELETE CASCADE
);
CREATE INDEX team_members_user ON team_members (user_id);

-- The keys that existed before people did become the keys of a bootstrap administrator in a
-- default organisation; it has no password until an administrator sets one.
INSERT INTO organisations (id, name, slug) VALUES ('org_default', 'Default', 'default');
INSERT INTO users (id, username, display_name, role, org_id)
VALUES ('usr_bootstrap', 'admin', 'Administrator', 'admin', 'org_default');

ALTER TABLE api_keys ADD COLUMN user_id text REFERENCES users (id);
UPDATE api_keys SET user_id = 'usr_bootstrap';
ALTER TABLE api_keys ALTER COLUMN user_id SET NOT NULL;
CREATE INDEX api_keys_user ON api_keys (user_id);
