package io.audiospective.scheduler;

import io.audiospective.testing.KafkaBrokerTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** Starts the real test broker once for every {@code @QuarkusTest} of this module. */
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
public final class KafkaBroker {

    private KafkaBroker() {
    }
}
