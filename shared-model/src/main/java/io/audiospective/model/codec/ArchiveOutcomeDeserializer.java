package io.audiospective.model.codec;

import io.audiospective.model.ArchiveOutcome;

public class ArchiveOutcomeDeserializer extends MessageDeserializer<ArchiveOutcome> {

    public ArchiveOutcomeDeserializer() {
        super(ArchiveOutcome.class);
    }
}
