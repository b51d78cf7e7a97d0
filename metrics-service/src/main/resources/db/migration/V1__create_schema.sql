-- Flyway creates the schema itself (metrics, see quarkus.flyway.schemas); this records who owns it.
COMMENT ON SCHEMA metrics IS 'owned by metrics-service; no other service reads or writes it';
