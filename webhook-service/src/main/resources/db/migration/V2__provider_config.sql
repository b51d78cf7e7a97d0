-- One configuration document per provider; PUT merges into it.
CREATE TABLE provider_config (
    provider   text PRIMARY KEY,
    config     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text
);
