package io.audiospective.model.codec;

import io.audiospective.model.ImportChunk;

public class ImportChunkDeserializer extends MessageDeserializer<ImportChunk> {

    public ImportChunkDeserializer() {
        super(ImportChunk.class);
    }
}
