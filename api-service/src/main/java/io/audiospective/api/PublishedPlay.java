package io.audiospective.api;

import java.time.Instant;

import io.audiospective.model.PlayEvent;

/** A play as read from {@code plays}, with when it was published there (the record's timestamp). */
public record PublishedPlay(PlayEvent play, Instant publishedAt) {}
