package io.audiospective.api;

import java.util.Collection;
import java.util.List;

/**
 * Members whose read-model version, zone or generation a transaction changes ({@code allMembers}: a switch-over to
 * another generation). Fired by the writers; observed once the transaction has ended, so what is read afterwards is
 * what it committed.
 */
public record ReadModelChanged(Collection<String> users, boolean allMembers) {

    public static ReadModelChanged of(Collection<String> users) {
        return new ReadModelChanged(List.copyOf(users), false);
    }

    public static ReadModelChanged of(String user) {
        return new ReadModelChanged(List.of(user), false);
    }

    public static ReadModelChanged everyMember() {
        return new ReadModelChanged(List.of(), true);
    }
}
