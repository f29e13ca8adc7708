package io.audiospective.emulator;

import java.util.List;

public record Artist(
        int index, String id, String name, List<String> genres, int popularity, int followers, String imageKey) {}
