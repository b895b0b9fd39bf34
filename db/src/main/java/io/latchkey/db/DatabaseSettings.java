package io.latchkey.db;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import io.latchkey.common.config.Secrets;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Where the database is, parsed from {@code LATCHKEY_DB_URL} ({@code postgresql://user:pass@host:port/db}).
 * {@link #toString()} never shows the password.
 */
public record DatabaseSettings(String host, int port, String database, String user, String password) {
    public static final String VARIABLE = "LATCHKEY_DB_URL";

    /** Reads {@code LATCHKEY_DB_URL}; its password is a secret checked like every other. */
    public static DatabaseSettings fromEnv(Env env) {
        DatabaseSettings settings = parse(VARIABLE, env.required(VARIABLE));
        Secrets.check(env, VARIABLE + " password", settings.password());
        return settings;
    }

    /** Parses a {@code postgresql://} or {@code postgres://} URL; {@code variable} names it in errors. */
    public static DatabaseSettings parse(String variable, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException(variable, "must look like postgresql://user:password@host:port/database");
        }
        if (!("postgresql".equals(uri.getScheme()) || "postgres".equals(uri.getScheme()))
                || uri.getHost() == null
                || uri.getRawUserInfo() == null
                || uri.getRawPath() == null
                || uri.getRawPath().length() < 2) {
            throw new ConfigException(variable, "must look like postgresql://user:password@host:port/database");
        }
        String userInfo = uri.getRawUserInfo();
        int colon = userInfo.indexOf(':');
        if (colon < 1) {
            throw new ConfigException(variable, "must carry a user and a password");
        }
        String user = decode(userInfo.substring(0, colon));
        String password = decode(userInfo.substring(colon + 1));
        String database = decode(uri.getRawPath().substring(1));
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        return new DatabaseSettings(uri.getHost(), port, database, user, password);
    }

    /** The same server, another database: the test fixture's per-class databases. */
    public DatabaseSettings withDatabase(String otherDatabase) {
        return new DatabaseSettings(host, port, otherDatabase, user, password);
    }

    /** The {@code postgresql://} URL, password included: for child processes' environment only. */
    public String url() {
        return "postgresql://"
                + encode(user)
                + ":"
                + encode(password)
                + "@"
                + host
                + ":"
                + port
                + "/"
                + encode(database);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + encode(database);
    }

    public Properties jdbcProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("ApplicationName", "latchkey-migrations");
        return properties;
    }

    public PgConnectOptions connectOptions() {
        return new PgConnectOptions()
                .setHost(host)
                .setPort(port)
                .setDatabase(database)
                .setUser(user)
                .setPassword(password)
                .setCachePreparedStatements(true)
                .setPipeliningLimit(256);
    }

    @Override
    public String toString() {
        return "postgresql://" + user + ":***@" + host + ":" + port + "/" + database;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
