package io.audiospective.scheduler;

/**
 * One replica of the scheduler: {@code id} names it in the scheduler state, {@code lane} is the state row that
 * replicas compete for (production: all replicas share one lane).
 */
public record SchedulerInstance(String id, String lane) {}
