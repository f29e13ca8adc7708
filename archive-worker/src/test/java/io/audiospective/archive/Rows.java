package io.audiospective.archive;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Test reads: every column of a row, as the driver gives it. */
final class Rows {

    private Rows() {}

    static Object[] all(ResultSet rs) throws SQLException {
        Object[] row = new Object[rs.getMetaData().getColumnCount()];
        for (int i = 0; i < row.length; i++) {
            row[i] = rs.getObject(i + 1);
        }
        return row;
    }
}
