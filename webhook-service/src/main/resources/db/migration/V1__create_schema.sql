-- Flyway creates the schema itself (webhook, see quarkus.flyway.schemas); this records who owns it.
COMMENT ON SCHEMA webhook IS 'owned by webhook-service; no other service reads or writes it';
