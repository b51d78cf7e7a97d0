-- Flyway creates the schema itself (storage, see quarkus.flyway.schemas); this records who owns it.
COMMENT ON SCHEMA storage IS 'owned by storage-service; no other service reads or writes it';
