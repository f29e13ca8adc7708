package io.audiospective.model.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.audiospective.model.ImportProgress;

/** The unmatched counts were added to ImportProgress later: old and new readers and writers must agree. */
class ImportProgressCompatibilityTest {

    @Test
    void aReportWithoutUnmatchedReadsAsEmptyAndOneWithItRoundTrips() {
        String old = "{\"schemaVersion\":1,\"importId\":\"i\",\"userId\":\"u\",\"sequence\":3,\"chunksProcessed\":2,"
                + "\"imported\":10,\"duplicates\":1,\"pendingMetadata\":0,\"failed\":0}";
        ImportProgress decoded = MessageCodec.decode(old.getBytes(StandardCharsets.UTF_8), ImportProgress.class);
        assertThat(decoded.unmatched()).isEmpty();
        assertThat(decoded).isEqualTo(new ImportProgress(1, "i", "u", 3, 2, 10, 1, 0, 0));

        ImportProgress current = new ImportProgress(1, "i", "u", 4, 2, 10, 1, 0, 0, Map.of("no catalogue match", 7L));
        assertThat(MessageCodec.decode(MessageCodec.encode(current), ImportProgress.class))
                .isEqualTo(current);
        assertThat(current.unmatchedTotal()).isEqualTo(7);
    }

    @Test
    void catalogueCompletionCountsAreZeroInOlderReportsAndRoundTrip() {
        String old = "{\"schemaVersion\":1,\"importId\":\"i\",\"userId\":\"u\",\"sequence\":3,\"chunksProcessed\":2,"
                + "\"imported\":10,\"duplicates\":1,\"pendingMetadata\":0,\"failed\":0,\"unmatched\":{}}";
        ImportProgress decoded = MessageCodec.decode(old.getBytes(StandardCharsets.UTF_8), ImportProgress.class);
        assertThat(decoded.awaitingCatalogue()).isZero();
        assertThat(decoded.withoutCatalogue()).isZero();

        ImportProgress current = new ImportProgress(1, "i", "u", 4, 2, 10, 1, 0, 0, Map.of(), 6L, 2L);
        assertThat(MessageCodec.decode(MessageCodec.encode(current), ImportProgress.class))
                .isEqualTo(current);
    }
}
