package io.audiospective.support.messaging;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.DateTimeException;
import java.util.Locale;
import java.util.Set;

import org.apache.kafka.common.errors.RetriableException;

import io.audiospective.model.codec.MessageFormatException;

/**
 * Tells why applying a record failed. {@link Kind#INFRASTRUCTURE}: a dependency is unreachable, slow or busy
 * (connections, timeouts, the broker, PostgreSQL serialization failures and deadlocks): the same record will
 * succeed later, so it is retried in place. {@link Kind#CONTENT}: the record cannot be applied as it is (malformed,
 * against the contract, a value PostgreSQL refuses as data or as an integrity violation): retrying cannot help, so
 * it is set aside. {@link Kind#UNKNOWN}: neither is recognised; the policy retries it a few times before setting it
 * aside.
 */
public final class Failures {

    public enum Kind {
        INFRASTRUCTURE,
        CONTENT,
        UNKNOWN
    }

    /**
     * SQLState classes and codes of a dependency that is away or busy: connection exceptions (08), transaction
     * rollbacks (40: serialization failure 40001, deadlock 40P01), insufficient resources (53), operator
     * intervention such as a shutdown (57), system errors (58), a lock not available (55P03).
     */
    private static final Set<String> TRANSIENT_SQL_CLASSES = Set.of("08", "40", "53", "57", "58");

    private static final Set<String> TRANSIENT_SQL_STATES = Set.of("55P03");
    /** Data exceptions (22: out of range, invalid format), integrity violations (23), syntax or access (42). */
    private static final Set<String> CONTENT_SQL_CLASSES = Set.of("22", "23", "42");

    /**
     * Redis error replies of a server that is away, loading or busy (the Vert.x client reports a lost connection as
     * the reply {@code CONNECTION_CLOSED}; the fault harness saw batches dead-lettered for it).
     */
    private static final Set<String> TRANSIENT_REDIS_ERRORS =
            Set.of("CONNECTION_CLOSED", "LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "NOREPLICAS");
    /** Jackson's exceptions are IOExceptions, but say that a document is wrong, not that a connection is. */
    private static final String JSON_PROCESSING = "com.fasterxml.jackson.";

    private Failures() {}

    public static Kind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof MessageFormatException) {
                // whatever the codec's own cause (a parser's exception is an IOException)
                return Kind.CONTENT;
            }
        }
        // An infrastructure cause anywhere in the chain wins: a refused connection often surfaces wrapped in an
        // exception that would otherwise look like the record's fault.
        for (Throwable t = failure; t != null; t = next(t)) {
            if (isInfrastructure(t)) {
                return Kind.INFRASTRUCTURE;
            }
        }
        for (Throwable t = failure; t != null; t = next(t)) {
            if (isContent(t)) {
                return Kind.CONTENT;
            }
        }
        return Kind.UNKNOWN;
    }

    /**
     * A short, stable name of the failure for grouping dead letters: the SQLState PostgreSQL gave, or else the type
     * of the exception that decided the kind (the innermost one when none did).
     */
    public static String code(Throwable failure) {
        Throwable deciding = null;
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return "sqlstate-" + sql.getSQLState();
            }
            if (deciding == null && (isInfrastructure(t) || isContent(t))) {
                deciding = t;
            }
            if (next(t) == null && deciding == null) {
                deciding = t;
            }
        }
        return deciding.getClass().getSimpleName();
    }

    /** The most specific message of the chain, for the dead-letter reason and the log. */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = next(t)) {
            root = t;
        }
        String outer = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return root == failure
                ? outer
                : outer + " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    private static boolean isInfrastructure(Throwable t) {
        if (t instanceof SQLException sql) {
            String state = sql.getSQLState();
            if (state != null && state.length() >= 2) {
                return TRANSIENT_SQL_CLASSES.contains(state.substring(0, 2)) || TRANSIENT_SQL_STATES.contains(state);
            }
            // no state: the pool's own failures (acquisition timeout, connection refused before any protocol)
            return sql instanceof SQLTransientException
                    || sql instanceof SQLRecoverableException
                    || mentionsUnavailability(sql);
        }
        return (t instanceof IOException && !t.getClass().getName().startsWith(JSON_PROCESSING))
                || t instanceof RetriableException
                || t instanceof java.util.concurrent.TimeoutException
                // Hibernate, Vert.x, Redis and fault-tolerance wrappers of lost connections and timeouts
                || mentionsUnavailability(t);
    }

    private static boolean mentionsUnavailability(Throwable t) {
        String name = t.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        String message = String.valueOf(t.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        return name.contains("connect")
                || name.contains("timeout")
                || name.contains("unavailable")
                || lower.contains("acquisition timeout")
                || (lower.contains("connection")
                        && (lower.contains("closed") || lower.contains("refused") || lower.contains("reset")))
                || TRANSIENT_REDIS_ERRORS.contains(message.split("[\\s:]", 2)[0]);
    }

    private static boolean isContent(Throwable t) {
        if (t instanceof SQLException sql) {
            String state = sql.getSQLState();
            return state != null && state.length() >= 2 && CONTENT_SQL_CLASSES.contains(state.substring(0, 2));
        }
        return t instanceof MessageFormatException
                || t instanceof IllegalArgumentException
                || t instanceof DateTimeException
                || t instanceof ArithmeticException;
    }

    private static Throwable next(Throwable t) {
        Throwable cause = t.getCause();
        return cause == t ? null : cause;
    }
}
