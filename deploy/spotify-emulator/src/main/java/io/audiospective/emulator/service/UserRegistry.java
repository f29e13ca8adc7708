package io.audiospective.emulator.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentSkipListMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.audiospective.emulator.ListeningProfile;
import io.audiospective.emulator.SyntheticUser;
import io.audiospective.emulator.config.EmulatorConfig;

/** The synthetic accounts. Creating the same (profile, seed, count) twice yields the same users. */
@ApplicationScoped
public class UserRegistry {

    private static final String[] FIRST = {
        "Alex", "Sam", "Robin", "Kim", "Jordan", "Charlie", "Mika", "Noor", "Sasha", "Jamie", "Taylor", "Rene", "Luca",
        "Eden", "Rowan", "Ari"
    };
    private static final String[] LAST = {
        "Berg",
        "Nakamura",
        "Okoye",
        "Silva",
        "Larsen",
        "Haddad",
        "Murphy",
        "Costa",
        "Keller",
        "Ivanova",
        "Park",
        "Moreno",
        "Novak",
        "Singh"
    };
    private static final String[] COUNTRY = {"US", "GB", "SE", "DE", "FR", "NL", "JP", "BR", "CA", "AU", "ES"};

    private final ConcurrentSkipListMap<String, SyntheticUser> users = new ConcurrentSkipListMap<>();

    @Inject
    EmulatorConfig config;

    @PostConstruct
    void createDefaults() {
        String spec = config.defaultUsers().trim();
        if (spec.isEmpty()) {
            return;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split(":");
            ListeningProfile profile = ListeningProfile.parse(kv[0]);
            int count = kv.length > 1 ? Integer.parseInt(kv[1].trim()) : 1;
            create(count, profile, config.seed(), null);
        }
    }

    /**
     * Creates (or finds again) {@code count} users named {@code <prefix>-<seed>-<n>}; the prefix defaults to
     * the profile's name.
     */
    public List<SyntheticUser> create(int count, ListeningProfile profile, long seed, String prefix) {
        if (count < 1 || count > 100_000) {
            throw new IllegalArgumentException("count must be between 1 and 100000");
        }
        String p = prefix == null || prefix.isBlank() ? profile.name().toLowerCase(Locale.ROOT) : prefix.trim();
        if (!p.matches("[a-z0-9][a-z0-9._-]{0,40}")) {
            throw new IllegalArgumentException("prefix must match [a-z0-9][a-z0-9._-]{0,40}");
        }
        List<SyntheticUser> out = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            String id = p + "-" + seed + "-" + i;
            long h = Hashing.mix(seed, Hashing.of(id));
            SyntheticUser user = new SyntheticUser(
                    id,
                    FIRST[(int) Long.remainderUnsigned(h, FIRST.length)] + " "
                            + LAST[(int) Long.remainderUnsigned(Hashing.mix(h, 1), LAST.length)],
                    id + "@users.emulator.test",
                    COUNTRY[(int) Long.remainderUnsigned(Hashing.mix(h, 2), COUNTRY.length)],
                    profile,
                    Hashing.mix(seed, i),
                    (int) Long.remainderUnsigned(Hashing.mix(h, 3), 18) - 8);
            out.add(users.computeIfAbsent(id, k -> user));
        }
        return out;
    }

    public SyntheticUser find(String id) {
        return id == null ? null : users.get(id);
    }

    public Collection<SyntheticUser> all() {
        return users.values();
    }
}
