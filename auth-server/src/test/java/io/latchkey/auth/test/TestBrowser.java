package io.latchkey.auth.test;

import io.latchkey.common.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted browser over real HTTP: keeps the cookies auth-server sets, follows nothing by itself, and reads
 * the hidden CSRF field from a page. Enough to walk the authorization code flow step by step.
 */
public final class TestBrowser {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]*)\"");

    private final WebClient client;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    public TestBrowser(WebClient client) {
        this.client = client;
    }

    public Map<String, String> cookies() {
        return cookies;
    }

    public HttpResponse<Buffer> get(String pathAndQuery) {
        return Await.result(fetch(pathAndQuery));
    }

    /** POSTs {@code form} (name, value pairs), form-url-encoded. */
    public HttpResponse<Buffer> post(String path, String... form) {
        return Await.result(submit(path, form));
    }

    /**
     * {@link #get} without waiting, for many browsers at once on one event loop (the benchmarks); a browser's
     * requests must then go one after the other, each after the last one's cookies arrived.
     */
    public Future<HttpResponse<Buffer>> fetch(String pathAndQuery) {
        return send(client.request(HttpMethod.GET, pathAndQuery), null);
    }

    /** {@link #post} without waiting. */
    public Future<HttpResponse<Buffer>> submit(String path, String... form) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < form.length; i += 2) {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(encode(form[i])).append('=').append(encode(form[i + 1]));
        }
        return send(
                client.request(HttpMethod.POST, path).putHeader("Content-Type", "application/x-www-form-urlencoded"),
                body.toString());
    }

    private Future<HttpResponse<Buffer>> send(HttpRequest<Buffer> request, String body) {
        request.followRedirects(false);
        if (!cookies.isEmpty()) {
            StringBuilder header = new StringBuilder();
            cookies.forEach((name, value) -> {
                if (!header.isEmpty()) {
                    header.append("; ");
                }
                header.append(name).append('=').append(value);
            });
            request.putHeader("Cookie", header.toString());
        }
        return (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body))).map(response -> {
            for (String setCookie : response.headers().getAll("Set-Cookie")) {
                String pair = setCookie.split(";", 2)[0];
                int eq = pair.indexOf('=');
                cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return response;
        });
    }

    /** The CSRF token in a page's form. */
    public static String csrf(HttpResponse<Buffer> page) {
        Matcher m = CSRF.matcher(page.bodyAsString());
        if (!m.find()) {
            throw new AssertionError("no CSRF field in: " + page.bodyAsString());
        }
        return m.group(1);
    }

    /** The query parameters of a 303's {@code Location}. */
    public static MultiMap query(HttpResponse<Buffer> redirect) {
        return query(redirect.getHeader("Location"));
    }

    /** The query parameters of a URL. */
    public static MultiMap query(String location) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        String query = URI.create(location).getRawQuery();
        if (query == null) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            params.add(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
