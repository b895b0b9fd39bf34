package io.latchkey.stack;

import io.latchkey.common.testing.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stack jar run as a {@link ServiceProcess} in a folder of its own (log {@code stack.log}), on free loopback
 * ports: what it adds is the five ports the jar is told and readiness of all four listeners.
 */
final class StackProcess implements AutoCloseable {
    /** The launcher holds embedded PostgreSQL's control and all three services: more than a service's test heap. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m");

    final int authPort;
    final int keyPort;
    final int keyInternalPort;
    final int demoPort;
    final int dbPort;
    private final ServiceProcess process;

    private StackProcess(int[] ports, ServiceProcess process) {
        this.authPort = ports[0];
        this.keyPort = ports[1];
        this.keyInternalPort = ports[2];
        this.demoPort = ports[3];
        this.dbPort = ports[4];
        this.process = process;
    }

    /** Starts the jar in {@code dir}; {@code ports} (auth, key, key internal, demo, db) or null for fresh ones. */
    static StackProcess start(Path dir, int[] ports) {
        return start(dir, ports, Map.of());
    }

    /** As {@link #start(Path, int[])}, with {@code settings} in the jar's environment for the services. */
    static StackProcess start(Path dir, int[] ports, Map<String, String> settings) {
        int[] chosen = ports != null ? ports : ServiceProcess.freePorts(5);
        Map<String, String> env = new HashMap<>(Map.of(
                "LATCHKEY_AUTH_SERVER_PORT", Integer.toString(chosen[0]),
                "LATCHKEY_KEY_SERVICE_PORT", Integer.toString(chosen[1]),
                "LATCHKEY_KEY_SERVICE_INTERNAL_PORT", Integer.toString(chosen[2]),
                "LATCHKEY_RESOURCE_DEMO_PORT", Integer.toString(chosen[3]),
                "LATCHKEY_STACK_DB_PORT", Integer.toString(chosen[4])));
        env.putAll(settings);
        Path jar = Path.of(System.getProperty("latchkey.stack.jar", "target/latchkey-stack.jar"));
        ServiceProcess process = ServiceProcess.jar("stack", jar)
                .jvmOptions(JVM_OPTIONS)
                .env(env)
                .directory(dir)
                .start();
        return new StackProcess(chosen, process);
    }

    int[] ports() {
        return new int[] {authPort, keyPort, keyInternalPort, demoPort, dbPort};
    }

    /** Waits until every service's /health/ready answers 200; returns the time since start. */
    Duration awaitReady(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        Duration ready = Duration.ZERO;
        for (int port : List.of(authPort, keyPort, keyInternalPort, demoPort)) {
            ready = process.awaitReady(port, Duration.ofNanos(Math.max(0, end - System.nanoTime())));
        }
        return ready;
    }

    /** Sends SIGTERM and waits for the process to end. */
    void terminate(Duration deadline) {
        process.terminate();
        if (!process.waitFor(deadline)) {
            process.kill();
            throw new AssertionError("stack did not stop within " + deadline + ":\n" + process.logTail());
        }
    }

    @Override
    public void close() {
        process.close();
    }

    /** Processes whose command line mentions {@code path}: postgres children left behind would show here. */
    static List<String> processesMentioning(Path path) throws IOException {
        List<String> found = new ArrayList<>();
        String needle = path.toAbsolutePath().toString();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                if (!proc.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (cmdline.contains(needle)) {
                        found.add(proc.getFileName() + ": " + cmdline.trim());
                    }
                } catch (IOException gone) {
                    // The process ended while we looked.
                }
            }
        }
        return found;
    }
}
