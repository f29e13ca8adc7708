package io.audiospective.model.codec;

import io.audiospective.model.ImportOutcome;

public class ImportOutcomeDeserializer extends MessageDeserializer<ImportOutcome> {

    public ImportOutcomeDeserializer() {
        super(ImportOutcome.class);
    }
}
