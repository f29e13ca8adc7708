package io.audiospective.scheduler;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** What the tests that hold locks on a connection of their own need to know about its PostgreSQL session. */
final class PostgresSessions {

    private PostgresSessions() {}

    /** The process id of the connection's backend, as {@code pg_stat_activity} and {@code pg_locks} name it. */
    static int backendPid(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT pg_backend_pid()");
                ResultSet result = query.executeQuery()) {
            result.next();
            return result.getInt(1);
        }
    }
}
