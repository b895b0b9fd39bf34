package io.latchkey.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What one run of the CLI works with: its environment (credentials and issuer are read only from there), its
 * standard streams, and the HTTP client it builds from them. A test passes its own; {@code main} passes the
 * process's.
 */
final class CliContext {
    static final String ISSUER = "LATCHKEY_ISSUER";
    static final String CLIENT_ID = "LATCHKEY_ADMIN_CLIENT_ID";
    static final String CLIENT_SECRET = "LATCHKEY_ADMIN_CLIENT_SECRET";
    static final String FEED_CLIENT_ID = "LATCHKEY_FEED_CLIENT_ID";
    static final String FEED_CLIENT_SECRET = "LATCHKEY_FEED_CLIENT_SECRET";
    static final String TLS_CA = "LATCHKEY_TLS_CA";
    static final String DEFAULT_ISSUER = "http://localhost:8080";
    static final String DEFAULT_CLIENT_ID = "admin-cli";

    final Map<String, String> env;
    final InputStream in;
    final PrintStream out;
    final PrintStream err;
    /** Whether standard input is the process's own, so a password may be asked on the terminal without echo. */
    private final boolean interactive;

    private BufferedReader reader;

    CliContext(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, boolean interactive) {
        this.env = env;
        this.in = in;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /** {@code --issuer} when given, else {@code LATCHKEY_ISSUER}, else the dev stack's. */
    URI issuer(String option) {
        String raw = option != null ? option : env.getOrDefault(ISSUER, DEFAULT_ISSUER);
        URI uri;
        try {
            uri = URI.create(raw.strip());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getRawUserInfo() != null) {
            throw new CliFailure(
                    CliFailure.USAGE, "the issuer must be an http(s) URL such as https://auth.example.com");
        }
        return uri;
    }

    AdminApi.Credentials adminCredentials() {
        String secret = env.get(CLIENT_SECRET);
        if (secret == null || secret.isEmpty()) {
            throw new CliFailure(CliFailure.AUTH, CLIENT_SECRET + " is not set");
        }
        return new AdminApi.Credentials(
                env.getOrDefault(CLIENT_ID, DEFAULT_CLIENT_ID), secret, CLIENT_ID, CLIENT_SECRET);
    }

    /** The feed client's when both are set, else the admin client's (which then needs {@code revocations:read}). */
    AdminApi.Credentials feedCredentials() {
        String id = env.get(FEED_CLIENT_ID);
        String secret = env.get(FEED_CLIENT_SECRET);
        if (id != null && !id.isEmpty() && secret != null && !secret.isEmpty()) {
            return new AdminApi.Credentials(id, secret, FEED_CLIENT_ID, FEED_CLIENT_SECRET);
        }
        return adminCredentials();
    }

    HttpClient http() {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        String ca = env.get(TLS_CA);
        if (ca != null && !ca.isEmpty()) {
            builder.sslContext(TrustedCa.sslContext(Path.of(ca)));
        }
        return builder.build();
    }

    AdminApi api(String issuerOption) {
        return new AdminApi(issuer(issuerOption), adminCredentials(), http());
    }

    /**
     * A secret typed by the operator: asked on the terminal without echo when there is one, else the first line of
     * standard input (so a script pipes it in; never an argument that {@code ps} would show).
     */
    String readSecret(String what) {
        Console console = interactive ? System.console() : null;
        String value;
        if (console != null) {
            char[] typed = console.readPassword("%s: ", what);
            value = typed == null ? null : new String(typed);
        } else {
            value = readLine();
        }
        if (value == null || value.isEmpty()) {
            throw new CliFailure(CliFailure.USAGE, "no " + what + " on standard input");
        }
        return value;
    }

    private String readLine() {
        try {
            if (reader == null) {
                reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
            return reader.readLine();
        } catch (IOException e) {
            throw new CliFailure(CliFailure.USAGE, "cannot read standard input");
        }
    }

    /** All of standard input (a JSON document piped in). */
    String readAll() {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.USAGE, "cannot read standard input");
        }
    }
}
