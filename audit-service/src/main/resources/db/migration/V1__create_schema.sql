-- Flyway creates the schema itself (audit, see quarkus.flyway.schemas); this records who owns it.
COMMENT ON SCHEMA audit IS 'owned by audit-service; no other service reads or writes it';
