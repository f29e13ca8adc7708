package io.audiospective.model.codec;

import io.audiospective.model.ArchiveBatch;

public class ArchiveBatchDeserializer extends MessageDeserializer<ArchiveBatch> {

    public ArchiveBatchDeserializer() {
        super(ArchiveBatch.class);
    }
}
