package io.latchkey.stack;

import io.latchkey.common.testing.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A service of the cross-process tests: its {@link ServiceProcess} and the loopback port of its public listener,
 * where requests go and whose {@code /health/ready} counts.
 */
public record Replica(ServiceProcess process, int port) {
    /** {@code mainClass} as a JVM of its own with the test JVM options, configured by {@code env} alone. */
    static Replica start(String name, String mainClass, int port, Map<String, String> env, Path dir) {
        return new Replica(
                ServiceProcess.main(name, mainClass).env(env).directory(dir).start(), port);
    }

    public String name() {
        return process.name;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits until the listener is ready; returns the time since the JVM was started. */
    public Duration awaitReady(Duration deadline) {
        return process.awaitReady(port, deadline);
    }
}
