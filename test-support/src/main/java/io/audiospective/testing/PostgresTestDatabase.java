package io.audiospective.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fresh database on the real PostgreSQL server for one test run, dropped afterwards. Tests then never see what
 * an earlier run (or an earlier version of a migration) left behind. The server is the one the services use:
 * {@code DB_HOST}, {@code DB_PORT}, {@code DB_USER}, {@code DB_PASSWORD}, default 127.0.0.1:5432 as postgres.
 */
public class PostgresTestDatabase implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(PostgresTestDatabase.class);

    private final String serverUrl =
            "jdbc:postgresql://" + env("DB_HOST", "127.0.0.1") + ":" + env("DB_PORT", "5432") + "/";
    private final Properties credentials = new Properties();
    private String database;

    @Override
    public Map<String, String> start() {
        credentials.setProperty("user", env("DB_USER", "postgres"));
        credentials.setProperty("password", env("DB_PASSWORD", ""));
        database = "test_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE DATABASE " + database);
        LOG.infof("Tests use the fresh database %s", database);
        return Map.of("quarkus.datasource.jdbc.url", serverUrl + database);
    }

    @Override
    public void stop() {
        if (database != null) {
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(serverUrl + "postgres", credentials);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL at " + serverUrl + " refused '" + sql + "': " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
