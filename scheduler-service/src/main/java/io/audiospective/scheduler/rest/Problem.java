package io.audiospective.scheduler.rest;

/** An RFC 9457 problem detail, served as application/problem+json. */
public record Problem(String type, String title, int status, String detail, String instance) {
}
