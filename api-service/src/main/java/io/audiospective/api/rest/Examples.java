package io.audiospective.api.rest;

/** Example bodies shown in the OpenAPI document. */
final class Examples {

    private Examples() {}

    static final String PROBLEM = """
            {"type":"urn:audiospective:problem:invalid-request","title":"Bad Request","status":400,
             "detail":"Unknown period 'fortnight': use day, week, month, year, all or custom"}""";

    static final String COMPLETENESS = """
            {"window":{"period":"custom","from":"2026-03-01","to":"2026-03-02","timeZone":"Europe/Berlin"},
             "archivingSince":"2026-03-01T08:12:00Z","lastSuccessfulPoll":"2026-03-02T13:05:00Z",
             "pending":"UNVERIFIED","hours":{"POLLED":26,"IMPORTED":2,"GAP":3,"UNVERIFIED":1,"NEEDS_REAUTH":0,"NONE":16},
             "importedPlays":17,
             "days":[{"day":"2026-03-01","hours":"-------IIPPPPPPPPPPPPPPPP","importedPlays":17},
                     {"day":"2026-03-02","hours":"PPPPPPPPPPGGGPPU--------","importedPlays":0}]}""";

    static final String ME = """
            {"userId":"spotify-user-1","displayName":"Ada","timeZone":"Europe/Berlin",
             "archive":{"state":"ACTIVE","archivingSince":"2026-01-02T10:00:00Z","playsArchived":18234,
             "lastSuccessfulPoll":"2026-03-01T12:05:00Z","reconnectBy":"2026-07-02","needsReauth":false}}""";

    static final String TIME_ZONE = """
            {"timeZone":"Asia/Kolkata"}""";

    static final String TOP = """
            {"kind":"tracks","window":{"period":"month","from":"2026-03-01","to":"2026-03-31","timeZone":"Europe/Berlin"},
             "items":[{"rank":1,"id":"4uLU6hMCjMI75M1A2tKUQC","name":"Never Gonna Give You Up",
             "artists":[{"id":"0gxyHStUsqpMadRV0Di1Qt","name":"Rick Astley"}],"albumId":"6XzOJ2ePJpFtMKWcr7VvrQ",
             "albumName":"Whenever You Need Somebody","plays":42,"ms":9034200,"minutes":150.6,
             "imageUrl":"https://i.scdn.co/image/ab67616d0000b273c5b0bbc6d3f8b3b4b0a5c4d2"}]}""";

    static final String TOP_GENRES = """
            {"window":{"period":"year","from":"2026-01-01","to":"2026-12-31","timeZone":"Asia/Kolkata"},
             "items":[{"rank":1,"genre":"indie pop","plays":812,"ms":170520000,"minutes":2842.0},
                      {"rank":2,"genre":"dream pop","plays":430,"ms":90300000,"minutes":1505.0}]}""";

    static final String SUMMARY = """
            {"window":{"period":"week","from":"2026-03-02","to":"2026-03-08","timeZone":"Asia/Kolkata"},
             "plays":310,"ms":61200000,"minutes":1020.0,"distinctTracks":190,"distinctArtists":75,"distinctAlbums":120,
             "artistsDiscovered":2,"discovered":[{"id":"a1","name":"New Artist"},{"id":"a2","name":"Another"}]}""";

    static final String CLOCK = """
            {"window":{"period":"all","from":null,"to":null,"timeZone":"UTC"},
             "cells":[{"weekday":1,"hour":8,"plays":120,"ms":24000000},{"weekday":5,"hour":22,"plays":300,"ms":61000000}]}""";

    static final String TIMELINE = """
            {"window":{"period":"year","from":"2026-01-01","to":"2026-12-31","timeZone":"UTC"},"granularity":"month",
             "buckets":[{"start":"2026-01-01","plays":1200,"ms":240000000,"minutes":4000.0}]}""";

    static final String STREAKS = """
            {"window":{"period":"year","from":"2026-01-01","to":"2026-12-31","timeZone":"UTC"},
             "longestStreak":{"days":41,"from":"2026-02-01","to":"2026-03-13"},
             "currentStreak":{"days":3,"from":"2026-03-11","to":"2026-03-13"},
             "longestSession":{"start":"2026-02-14T19:00:00Z","end":"2026-02-15T01:10:00Z","plays":96,"ms":22000000,
             "minutes":366.7},"listeningDays":70}""";

    static final String ITEM = """
            {"kind":"artist","id":"0gxyHStUsqpMadRV0Di1Qt","name":"Rick Astley","firstPlayedAt":"2026-01-03T08:00:00Z",
             "lastPlayedAt":"2026-03-01T21:14:00Z","plays":87,"ms":18700000,"minutes":311.7,"rank":4,
             "imageUrl":"https://i.scdn.co/image/ab67616d0000b273c5b0bbc6d3f8b3b4b0a5c4d2"}""";

    static final String ITEM_TIMELINE = """
            {"kind":"album","id":"6XzOJ2ePJpFtMKWcr7VvrQ","granularity":"month",
             "buckets":[{"start":"2026-01-01","plays":12,"ms":2580000,"minutes":43.0},
             {"start":"2026-03-01","plays":30,"ms":6454200,"minutes":107.6}]}""";

    static final String YEAR = """
            {"year":2026,"summary":{"window":{"period":"year","from":"2026-01-01","to":"2026-12-31","timeZone":"UTC"},
             "plays":12000,"ms":2400000000,"minutes":40000.0,"distinctTracks":3100,"distinctArtists":800,
             "distinctAlbums":1500,"artistsDiscovered":300,"discovered":[]},"topTracks":[],"topArtists":[],
             "topAlbums":[],"topMonth":{"month":"2026-07","plays":1400,"ms":280000000},
             "busiestDay":{"day":"2026-07-14","plays":130,"ms":26000000},"peakHour":21,
             "longestStreak":{"days":41,"from":"2026-02-01","to":"2026-03-13"},
             "longestSession":{"start":"2026-02-14T19:00:00Z","end":"2026-02-15T01:10:00Z","plays":96,
             "ms":22000000,"minutes":366.7}}""";

    static final String HISTORY = """
            {"items":[{"playedAt":"2026-03-01T21:14:00.123Z","localTime":"2026-03-01T22:14:00.123",
             "trackId":"4uLU6hMCjMI75M1A2tKUQC","trackName":"Never Gonna Give You Up","albumId":"6XzOJ2ePJpFtMKWcr7VvrQ",
             "albumName":"Whenever You Need Somebody","artists":[{"id":"0gxyHStUsqpMadRV0Di1Qt","name":"Rick Astley"}],
             "msPlayed":213573,"source":"POLL",
             "imageUrl":"https://i.scdn.co/image/ab67616d0000b273c5b0bbc6d3f8b3b4b0a5c4d2"}],"nextCursor":"MTc3MjQwMDA0MDEyMzAwMA"}""";

    static final String EXPORT_CSV = """
            played_at,track_id,track_name,album_id,album_name,artist_ids,artist_names,ms_played,source
            2026-03-01T21:14:00.123Z,4uLU6hMCjMI75M1A2tKUQC,Never Gonna Give You Up,6XzOJ2ePJpFtMKWcr7VvrQ,Whenever You Need Somebody,0gxyHStUsqpMadRV0Di1Qt,Rick Astley,213573,POLL
            """;

    static final String EXPORT_JSON = """
            [{"playedAt":"2026-03-01T21:14:00.123Z","localTime":"2026-03-01T22:14:00.123","trackId":"4uLU6hMCjMI75M1A2tKUQC",
             "trackName":"Never Gonna Give You Up","albumId":"6XzOJ2ePJpFtMKWcr7VvrQ","albumName":"Whenever You Need Somebody",
             "artists":[{"id":"0gxyHStUsqpMadRV0Di1Qt","name":"Rick Astley"}],"msPlayed":213573,"source":"POLL"}]""";

    static final String OVERVIEW = """
            {"usersByState":{"ACTIVE":4,"NEEDS_REAUTH":1},"pollsLastHour":{"OK":230,"NETWORK":2},
             "playsArchivedPerHour":[{"start":"2026-03-01T12:00:00Z","plays":410}],
             "playsArchivedPerDay":[{"start":"2026-03-01T00:00:00Z","plays":8120}],
             "consumerLag":{"plays":0,"users":0,"archive.outcomes":3},"dlqSizes":{"plays.dlq":1,"users.dlq":0,
             "archive.outcomes.dlq":0,"archive.batches.dlq":0,"imports.dlq":0,"imports.progress.dlq":0},
             "deadLetters":{"plays":{"IllegalArgumentException":1}},"readModelGeneration":2}""";

    static final String DEAD_LETTER = """
            {"topic":"plays","partition":1,"offset":4211,"key":"spotify-user-1","reasonCode":"IllegalArgumentException",
             "reason":"IllegalArgumentException: Play of spotify-user-1 at +290000-01-01T00:00:00Z is outside the range a play can have (2008-10-07T00:00:00Z to 2100-01-01T00:00:00Z)",
             "kind":"CONTENT","deadLetteredAt":"2026-03-01T12:00:00Z"}""";

    static final String ADMIN_USER = """
            {"me":{"userId":"spotify-user-1","displayName":"Ada","timeZone":"UTC","archive":{"state":"NEEDS_REAUTH",
             "archivingSince":"2026-01-02T10:00:00Z","playsArchived":18234,"lastSuccessfulPoll":"2026-03-01T12:05:00Z",
             "reconnectBy":"2026-07-02","needsReauth":true}},"lastPollFailure":"AUTH: invalid_grant",
             "distinctTracks":3100,"sessions":812}""";

    static final String REPLAY = """
            {"generation":3,"state":"RUNNING","consumerGroup":"api-service-replay-3","startedAt":"2026-03-01T12:00:00Z",
             "finishedAt":null,"records":120000,"lag":380000,"detail":null,"owner":"api-service-7d9f-2/1/5f2c0a1e",
             "heartbeatAt":"2026-03-01T12:04:10Z","takeovers":0}""";

    static final String REPLAY_CANCELLED = """
            {"generation":3,"state":"CANCELLED","consumerGroup":"api-service-replay-3",
             "startedAt":"2026-03-01T12:00:00Z","finishedAt":"2026-03-01T12:05:00Z","records":150000,"lag":350000,
             "detail":"cancelled by an operator","owner":"api-service-7d9f-2/1/5f2c0a1e",
             "heartbeatAt":"2026-03-01T12:04:59Z","takeovers":0}""";

    static final String MEMBER_REBUILT = """
            {"userId":"spotify-user-1","generations":[2,3],"plays":18234}""";

    static final String SCHEDULE = """
            {"userId":"spotify-user-1","status":"ACTIVE","statusSince":"2026-03-01T09:00:00Z","pollingPeriod":"PT1H",
             "slotOffset":"PT17M3S","nextSlot":"2026-03-14T10:17:03Z","nextPoll":"2026-03-14T10:17:03Z",
             "failureKind":null,"consecutiveFailures":0,"backoffUntil":null,"lastFailureDetail":null,
             "lastOutcomeAt":"2026-03-14T09:17:05Z","extraPollAt":null,"extraPollReason":null,
             "lastPublishedAt":"2026-03-14T09:17:03Z","lastPublishedReason":"SCHEDULED",
             "lastBatchId":"0b6f5c1e-2f0a-4d55-9d3c-7c1f6e0e9a11"}""";

    static final String POLL_REQUESTED = """
            {"batchId":"5d2c7e0a-8b1f-4c3e-a6d9-0f4b2e7c1a55","userId":"spotify-user-1",
             "scheduledFor":"2026-03-14T09:42:10Z","reason":"MANUAL"}""";
}
