package io.audiospective.systemtest;

/** Where the machine's PostgreSQL and Redis are: the same environment variables the services read. */
final class Infrastructure {

    private Infrastructure() {}

    static String postgresHost() {
        return env("DB_HOST", "127.0.0.1");
    }

    static int postgresPort() {
        return Integer.parseInt(env("DB_PORT", "5432"));
    }

    static String postgresUser() {
        return env("DB_USER", "postgres");
    }

    static String postgresPassword() {
        return env("DB_PASSWORD", "");
    }

    static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + postgresHost() + ":" + postgresPort() + "/" + database;
    }

    static String redisHost() {
        return hostPort()[0];
    }

    static int redisPort() {
        return Integer.parseInt(hostPort()[1]);
    }

    private static String[] hostPort() {
        String url = env("REDIS_URL", "redis://127.0.0.1:6379").replaceFirst("^redis://", "");
        String hostPort = url.contains("/") ? url.substring(0, url.indexOf('/')) : url;
        return hostPort.contains(":") ? hostPort.split(":", 2) : new String[] {hostPort, "6379"};
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
