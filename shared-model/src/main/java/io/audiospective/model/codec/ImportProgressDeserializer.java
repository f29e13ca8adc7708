package io.audiospective.model.codec;

import io.audiospective.model.ImportProgress;

public class ImportProgressDeserializer extends MessageDeserializer<ImportProgress> {

    public ImportProgressDeserializer() {
        super(ImportProgress.class);
    }
}
