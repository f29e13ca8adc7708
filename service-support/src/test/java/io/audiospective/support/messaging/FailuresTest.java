package io.audiospective.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.time.DateTimeException;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import io.audiospective.model.codec.MessageFormatException;
import io.audiospective.support.messaging.Failures.Kind;

/** What the consumer policy retries in place and what it sets aside. */
class FailuresTest {

    @Test
    void aValueOrRowPostgresqlRefusesIsTheRecordsFault() {
        SQLException displacement = new SQLException("time zone displacement out of range", "22009");
        assertThat(Failures.classify(new IllegalStateException("fold failed", displacement)))
                .isEqualTo(Kind.CONTENT);
        assertThat(Failures.code(new IllegalStateException("fold failed", displacement)))
                .isEqualTo("sqlstate-22009");
        assertThat(Failures.classify(new SQLException("duplicate key", "23505")))
                .isEqualTo(Kind.CONTENT);
        assertThat(Failures.classify(new SQLException("relation does not exist", "42P01")))
                .isEqualTo(Kind.CONTENT);
    }

    @Test
    void aMalformedOrContractBreakingMessageIsTheRecordsFault() {
        // the codec's cause is the parser's, an IOException, yet nothing about a connection
        assertThat(Failures.classify(new MessageFormatException("Cannot read PlayEvent", new IOException("eof"))))
                .isEqualTo(Kind.CONTENT);
        assertThat(Failures.classify(new IllegalArgumentException("batchId is required")))
                .isEqualTo(Kind.CONTENT);
        assertThat(Failures.classify(new DateTimeException("Invalid value for Year")))
                .isEqualTo(Kind.CONTENT);
    }

    @Test
    void anUnreachableBusyOrConflictingDependencyIsTheInfrastructures() {
        assertThat(Failures.classify(new SQLException("could not serialize access", "40001")))
                .isEqualTo(Kind.INFRASTRUCTURE);
        assertThat(Failures.classify(new SQLException("deadlock detected", "40P01")))
                .isEqualTo(Kind.INFRASTRUCTURE);
        assertThat(Failures.classify(new RuntimeException(
                        "could not execute statement",
                        new SQLException("An I/O error occurred while sending to the backend", "08006"))))
                .isEqualTo(Kind.INFRASTRUCTURE);
        assertThat(Failures.classify(new SQLException("Acquisition timeout while waiting for new connection")))
                .isEqualTo(Kind.INFRASTRUCTURE);
        assertThat(Failures.classify(new IllegalStateException(new ConnectException("Connection refused"))))
                .isEqualTo(Kind.INFRASTRUCTURE);
        assertThat(Failures.classify(new TimeoutException("Expiring 3 record(s)")))
                .isEqualTo(Kind.INFRASTRUCTURE);
        // Vert.x Redis reports a lost connection as an error reply (seen in the fault harness)
        assertThat(Failures.classify(new java.util.concurrent.CompletionException(new RedisReply("CONNECTION_CLOSED"))))
                .isEqualTo(Kind.INFRASTRUCTURE);
        assertThat(Failures.classify(new RedisReply("LOADING Redis is loading the dataset in memory")))
                .isEqualTo(Kind.INFRASTRUCTURE);
        // an outage wins over what wraps it
        assertThat(Failures.classify(new IllegalArgumentException(
                        "apply failed", new SQLException("the database system is shutting down", "57P01"))))
                .isEqualTo(Kind.INFRASTRUCTURE);
    }

    /** Shaped like Vert.x Redis' error reply type: neither its name nor its type says "connection". */
    private static final class RedisReply extends RuntimeException {
        RedisReply(String message) {
            super(message);
        }
    }

    @Test
    void anythingElseIsUnknown() {
        assertThat(Failures.classify(new NullPointerException())).isEqualTo(Kind.UNKNOWN);
        assertThat(Failures.classify(
                        new RedisReply("WRONGTYPE Operation against a key holding the wrong kind of value")))
                .isEqualTo(Kind.UNKNOWN);
        assertThat(Failures.classify(new RecordTooLargeException("The message is 2097240 bytes")))
                .isEqualTo(Kind.UNKNOWN);
        assertThat(Failures.code(new NullPointerException())).isEqualTo("NullPointerException");
    }
}
