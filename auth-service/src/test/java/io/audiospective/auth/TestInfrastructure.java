package io.audiospective.auth;

import io.audiospective.testing.GreenMailTestResource;
import io.audiospective.testing.KafkaBrokerTestResource;
import io.audiospective.testing.PostgresTestDatabase;
import io.audiospective.testing.SpotifyEmulatorTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** The real infrastructure every {@code @QuarkusTest} of this module runs against, started once. */
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresTestDatabase.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SpotifyEmulatorTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = GreenMailTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = AuthTestSecrets.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ApiStatsStub.class, scope = TestResourceScope.GLOBAL)
public final class TestInfrastructure {

    private TestInfrastructure() {}
}
