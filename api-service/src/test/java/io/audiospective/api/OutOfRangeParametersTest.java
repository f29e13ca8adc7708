package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Query parameters that are no number, or a date or year far out of range (the year 290000), are refused where they
 * enter: a 400 problem naming the parameter and saying what is allowed, never a 500 with a stack trace.
 */
@QuarkusTest
class OutOfRangeParametersTest {

    @Inject
    Tokens tokens;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/api/v1/me/stats/top/tracks | limit=abc | limit 'abc' is not a whole number between 1 and 500 | limit",
                "/api/v1/me/stats/top/tracks | limit=100000 | limit must be between 1 and 500 | limit",
                "/api/v1/me/plays | limit=abc | limit 'abc' is not a whole number | limit",
                "/api/v1/me/stats/summary | period=day&date=+290000-01-01 | date +290000-01-01 is out of range: dates go from 2000-01-01 to 2099-12-31 | date",
                "/api/v1/me/stats/clock | period=custom&from=2026-01-01&to=+290000-12-31 | to +290000-12-31 is out of range | to",
                "/api/v1/me/stats/timeline | period=custom&from=0001-01-01&to=2026-01-01 | from 0001-01-01 is out of range | from",
                "/api/v1/me/plays | period=month&date=290000-01-01 | date '290000-01-01' is not a date (yyyy-MM-dd) | date",
                "/api/v1/me/stats/year-in-review/290000 | | year must be between 2000 and 2099, not 290000 | year",
                "/api/v1/me/stats/year-in-review/abc | | year 'abc' is not a year | year"
            })
    void aParameterOutOfRangeIsA400ProblemWithWhatIsAllowed(
            String path, String query, String detail, String parameter) {
        var request = given().auth().oauth2(tokens.user("user-" + UUID.randomUUID()));
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] parts = pair.split("=", 2);
                request = request.queryParams(Map.of(parts[0], parts[1]));
            }
        }
        request.when()
                .get(path)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", containsString(detail))
                .body("instance", equalTo(path))
                .body("'invalid-params'[0].name", equalTo(parameter))
                .body("'invalid-params'[0].reason", containsString(detail))
                .body(allOf(not(containsString("Exception")), not(containsString("\tat "))));
    }
}
