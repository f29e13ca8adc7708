package io.audiospective.auth.repository;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.auth.WaitlistEntry;
import io.quarkus.hibernate.orm.panache.PanacheRepository;

@ApplicationScoped
public class WaitlistRepository implements PanacheRepository<WaitlistEntry> {}
