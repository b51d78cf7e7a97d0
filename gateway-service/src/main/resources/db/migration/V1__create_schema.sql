-- Flyway creates the schema itself (gateway, see quarkus.flyway.schemas); this records who owns it.
COMMENT ON SCHEMA gateway IS 'owned by gateway-service; no other service reads or writes it';
