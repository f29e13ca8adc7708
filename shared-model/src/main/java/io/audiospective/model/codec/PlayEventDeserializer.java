package io.audiospective.model.codec;

import io.audiospective.model.PlayEvent;

public class PlayEventDeserializer extends MessageDeserializer<PlayEvent> {

    public PlayEventDeserializer() {
        super(PlayEvent.class);
    }
}
