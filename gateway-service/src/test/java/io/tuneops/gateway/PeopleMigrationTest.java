package io.tuneops.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The upgrade to people, run on a schema of its own that holds keys made before people existed. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class PeopleMigrationTest {

    @Inject
    DataSource dataSource;

    private Flyway flyway(String schema, String target) {
        return Flyway.configure().dataSource(dataSource).schemas(schema).defaultSchema(schema)
                .locations("classpath:db/migration").target(MigrationVersion.fromVersion(target)).load();
    }

    @Test
    void theKeysThatExistedBeforeBelongToTheBootstrapAdministrator() throws SQLException {
        String schema = "upgrade_" + Long.toHexString(System.nanoTime());
        flyway(schema, "2").migrate();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + schema + ".api_keys (id, name, prefix, secret_hash, scopes, created_by)"
                    + " VALUES ('key_old1', 'ci', 'AAAAAAAA', '\\x00', '{operator}', 'bootstrap-admin'),"
                    + " ('key_old2', 'viewer', 'BBBBBBBB', '\\x00', '{viewer}', 'key_old1')");
        }
        flyway(schema, "3").migrate();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            List<String> owners = new ArrayList<>();
            try (ResultSet rows = s.executeQuery("SELECT k.id, u.username, u.role, u.is_active, u.org_id, o.slug FROM " + schema
                    + ".api_keys k JOIN " + schema + ".users u ON u.id = k.user_id JOIN " + schema
                    + ".organisations o ON o.id = u.org_id ORDER BY k.id")) {
                while (rows.next()) {
                    owners.add(String.join(" ", rows.getString(1), rows.getString(2), rows.getString(3),
                            Boolean.toString(rows.getBoolean(4)), rows.getString(5), rows.getString(6)));
                }
            }
            assertEquals(List.of("key_old1 admin admin true org_default default", "key_old2 admin admin true org_default default"),
                    owners);
            try (ResultSet rows = s.executeQuery("SELECT password_hash FROM " + schema + ".users WHERE id = 'usr_bootstrap'")) {
                rows.next();
                assertEquals(null, rows.getString(1), "the bootstrap user has no password until an admin sets one");
            }
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
