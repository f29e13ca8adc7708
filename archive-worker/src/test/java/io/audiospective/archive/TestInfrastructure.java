package io.audiospective.archive;

import io.audiospective.testing.ApiTokenIssuerTestResource;
import io.audiospective.testing.KafkaBrokerTestResource;
import io.audiospective.testing.PostgresTestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** The real infrastructure every {@code @QuarkusTest} of this module runs against, started once. */
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresTestDatabase.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = AuthServiceStub.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ApiTokenIssuerTestResource.class, scope = TestResourceScope.GLOBAL)
public final class TestInfrastructure {

    private TestInfrastructure() {}
}
