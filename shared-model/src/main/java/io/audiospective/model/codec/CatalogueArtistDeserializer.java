package io.audiospective.model.codec;

import io.audiospective.model.CatalogueArtist;

public class CatalogueArtistDeserializer extends MessageDeserializer<CatalogueArtist> {

    public CatalogueArtistDeserializer() {
        super(CatalogueArtist.class);
    }
}
