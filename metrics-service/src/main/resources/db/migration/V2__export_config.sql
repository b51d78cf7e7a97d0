-- The Prometheus export configuration: one row, shared by every replica. Disabled by default, as the
-- operations guide documents, with the "standard" categories preselected for when it is enabled.
CREATE TABLE export_config (
    id                    smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    prometheus_enabled    boolean     NOT NULL DEFAULT false,
    prometheus_categories text[]      NOT NULL DEFAULT ARRAY['jobs', 'http', 'health'],
    updated_at            timestamptz NOT NULL DEFAULT now(),
    updated_by            text
);

INSERT INTO export_config (id) VALUES (1);
