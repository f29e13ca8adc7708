package io.audiospective.support.sql;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/**
 * The one way repositories run set-based SQL (see {@code docs/persistence.md}): a statement with positional
 * parameters, rows mapped to records by a {@link Row}. Instants bind as {@code timestamptz}, collections and
 * {@code String[]} as {@code text[]}. Inside a JTA transaction the connection is the transaction's.
 */
@ApplicationScoped
public class Db {

    private final AgroalDataSource dataSource;

    Db(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public AgroalDataSource dataSource() {
        return dataSource;
    }

    /** Maps one row. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    public int update(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(connection, statement, params);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new DataAccessException(sql, e);
        }
    }

    public <T> List<T> query(String sql, Row<T> row, Object... params) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(connection, statement, params);
            try (ResultSet rs = statement.executeQuery()) {
                List<T> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(row.map(rs));
                }
                return result;
            }
        } catch (SQLException e) {
            throw new DataAccessException(sql, e);
        }
    }

    public <T> Optional<T> queryOne(String sql, Row<T> row, Object... params) {
        List<T> rows = query(sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    public static void bind(Connection connection, PreparedStatement statement, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object value = params[i];
            if (value instanceof Instant instant) {
                statement.setObject(i + 1, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            } else if (value instanceof Collection<?> values) {
                Array array = connection.createArrayOf("text", values.toArray());
                statement.setArray(i + 1, array);
            } else if (value instanceof String[] values) {
                statement.setArray(i + 1, connection.createArrayOf("text", values));
            } else {
                statement.setObject(i + 1, value);
            }
        }
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static LocalDate date(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, LocalDate.class);
    }

    /** A text array's elements (empty for SQL NULL); an element may be null, as a column of a left join gives it. */
    public static List<String> strings(ResultSet rs, String column) throws SQLException {
        Array array = rs.getArray(column);
        if (array == null) {
            return List.of();
        }
        return Collections.unmodifiableList(Arrays.asList((String[]) array.getArray()));
    }

    /** A failed statement, with the SQL state, never shown to API clients. */
    public static class DataAccessException extends RuntimeException {
        public DataAccessException(String sql, SQLException cause) {
            super(
                    "SQL failed (" + cause.getSQLState() + "): " + cause.getMessage() + " in: "
                            + sql.replaceAll("\\s+", " ").trim(),
                    cause);
        }
    }
}
