package io.audiospective.emulator.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.audiospective.emulator.config.EmulatorConfig;

@ApplicationScoped
public class WorldProducer {

    @Produces
    @Singleton
    Catalogue catalogue(EmulatorConfig config) {
        return Catalogue.generate(config.seed(), config.catalogue().artists());
    }

    @Produces
    @Singleton
    ListeningGenerator generator(Catalogue catalogue, EmulatorConfig config) {
        return new ListeningGenerator(catalogue, config.listening().timeScale());
    }

    @Produces
    @Singleton
    RecentlyPlayed recentlyPlayed(ListeningGenerator generator, Catalogue catalogue) {
        return new RecentlyPlayed(generator, catalogue);
    }
}
