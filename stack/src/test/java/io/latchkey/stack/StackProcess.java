package io.latchkey.stack;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The stack jar run as a separate process in a folder of its own, on free loopback ports. */
final class StackProcess implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path dir;
    final int authPort;
    final int keyPort;
    final int keyInternalPort;
    final int demoPort;
    final int dbPort;
    private final Process process;
    private final long startedNanos;

    private StackProcess(Path dir, int[] ports, Process process, long startedNanos) {
        this.dir = dir;
        this.authPort = ports[0];
        this.keyPort = ports[1];
        this.keyInternalPort = ports[2];
        this.demoPort = ports[3];
        this.dbPort = ports[4];
        this.process = process;
        this.startedNanos = startedNanos;
    }

    /** Starts the jar in {@code dir}; {@code ports} (auth, key, key internal, demo, db) or null for fresh ones. */
    static StackProcess start(Path dir, int[] ports) throws IOException {
        return start(dir, ports, Map.of());
    }

    /** As {@link #start(Path, int[])}, with {@code settings} in the jar's environment for the services. */
    static StackProcess start(Path dir, int[] ports, Map<String, String> settings) throws IOException {
        int[] chosen = ports != null ? ports : freePorts(5);
        Path jar = Path.of(System.getProperty("latchkey.stack.jar", "target/latchkey-stack.jar"));
        List<String> command = new ArrayList<>(
                List.of(javaBinary(), "-Xmx512m", "-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("LATCHKEY_"));
        env.putAll(Map.of(
                "LATCHKEY_AUTH_SERVER_PORT", Integer.toString(chosen[0]),
                "LATCHKEY_KEY_SERVICE_PORT", Integer.toString(chosen[1]),
                "LATCHKEY_KEY_SERVICE_INTERNAL_PORT", Integer.toString(chosen[2]),
                "LATCHKEY_RESOURCE_DEMO_PORT", Integer.toString(chosen[3]),
                "LATCHKEY_STACK_DB_PORT", Integer.toString(chosen[4])));
        env.putAll(settings);
        builder.redirectErrorStream(true);
        builder.redirectOutput(
                ProcessBuilder.Redirect.appendTo(dir.resolve("stack.log").toFile()));
        long started = System.nanoTime();
        return new StackProcess(dir, chosen, builder.start(), started);
    }

    int[] ports() {
        return new int[] {authPort, keyPort, keyInternalPort, demoPort, dbPort};
    }

    /** Waits until every service's /health/ready answers 200; returns the time since start. */
    Duration awaitReady(Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        List<Integer> pending = new ArrayList<>(List.of(authPort, keyPort, keyInternalPort, demoPort));
        while (!pending.isEmpty()) {
            if (!process.isAlive()) {
                throw new AssertionError("stack exited with " + process.exitValue() + ":\n" + log());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("not ready within " + deadline + ": ports " + pending + "\n" + log());
            }
            pending.removeIf(port -> status(port, "/health/ready") == 200);
            if (!pending.isEmpty()) {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
        }
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    static int status(int port, String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2))
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Sends SIGTERM and waits for the process to end; returns its exit code. */
    int terminate(Duration deadline) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("stack did not stop within " + deadline);
        }
        return process.exitValue();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("stack.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
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
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' ');
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

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
