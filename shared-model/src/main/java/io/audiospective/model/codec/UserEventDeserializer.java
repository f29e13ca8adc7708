package io.audiospective.model.codec;

import io.audiospective.model.UserEvent;

public class UserEventDeserializer extends MessageDeserializer<UserEvent> {

    public UserEventDeserializer() {
        super(UserEvent.class);
    }
}
