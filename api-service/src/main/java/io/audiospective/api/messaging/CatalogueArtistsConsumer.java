package io.audiospective.api.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.repository.CatalogueRepository;
import io.audiospective.model.codec.CatalogueArtistDeserializer;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Artists' details from {@code catalogue.artists} (compacted, read from the beginning by a new group), stored in the
 * catalogue whatever the read-model generation: the genres of top genres and the genre filter. Settled by
 * {@link ConsumerPolicy}: a record that cannot be read goes to {@code catalogue.artists.dlq} with the reason.
 */
@ApplicationScoped
public class CatalogueArtistsConsumer {

    private final CatalogueArtistDeserializer decoder = new CatalogueArtistDeserializer();
    private final CatalogueRepository catalogue;
    private final ConsumerPolicy policy;

    CatalogueArtistsConsumer(CatalogueRepository catalogue, ConsumerPolicy policy) {
        this.catalogue = catalogue;
        this.policy = policy;
    }

    @Incoming(Channels.CATALOGUE_ARTISTS)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecord<String, byte[]> record) {
        return policy.consume(
                record, decoder, artist -> QuarkusTransaction.requiringNew().run(() -> catalogue.saveArtist(artist)));
    }
}
