package io.latchkey.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the {@code wrk} load generator (Debian package {@code wrk}) from benchmark programs: a process of its own,
 * in C, so the load costs the measured JVM nothing and resembles the tools other servers are measured with.
 */
public final class Wrk {
    private Wrk() {}

    /** One run: every response counted, non-2xx ones apart, and the latency percentiles as wrk prints them. */
    public record Result(long requests, long non2xx, double seconds, String p50, String p99) {
        /** 2xx responses per second. */
        public double okPerSecond() {
            return (requests - non2xx) / seconds;
        }
    }

    /** A script sending one fixed request; {@code path} null keeps the URL's own. */
    public static Path script(String method, String path, String body, Map<String, String> headers) throws IOException {
        StringBuilder lua = new StringBuilder("wrk.method = '" + method + "'\n");
        if (path != null) {
            lua.append("wrk.path = '").append(path).append("'\n");
        }
        if (body != null) {
            lua.append("wrk.body = '").append(body).append("'\n");
        }
        headers.forEach((k, v) ->
                lua.append("wrk.headers['").append(k).append("'] = '").append(v).append("'\n"));
        return lua(lua.toString());
    }

    /** A script of any text. */
    public static Path lua(String text) throws IOException {
        Path file = Files.createTempFile("bench-", ".lua");
        file.toFile().deleteOnExit();
        Files.writeString(file, text);
        return file;
    }

    /** Runs wrk with {@code --latency}; {@code scriptArgs} reach the script's {@code init(args)} from index 1. */
    public static Result run(Path script, String url, int threads, int connections, int seconds, String... scriptArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "wrk",
                "-t" + threads,
                "-c" + connections,
                "-d" + seconds + "s",
                "--latency",
                // wrk's 2 s default would drop slow logins and send new ones while the old ones still queue.
                "--timeout",
                "10s",
                "-s",
                script.toString(),
                url));
        command.addAll(List.of(scriptArgs));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("wrk is not installed (apt-get install -y wrk)", e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        Matcher total =
                Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m)").matcher(out);
        if (!total.find()) {
            throw new IllegalStateException("unexpected wrk output: " + out);
        }
        double seconds0 = Double.parseDouble(total.group(2))
                * switch (total.group(3)) {
                    case "us" -> 1e-6;
                    case "ms" -> 1e-3;
                    case "m" -> 60;
                    default -> 1;
                };
        return new Result(
                Long.parseLong(total.group(1)),
                Long.parseLong(find(out, "Non-2xx or 3xx responses:\\s+(\\d+)", "0")),
                seconds0,
                find(out, "\\s50%\\s+(\\S+)", "?"),
                find(out, "\\s99%\\s+(\\S+)", "?"));
    }

    private static String find(String text, String regex, String fallback) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1) : fallback;
    }
}
