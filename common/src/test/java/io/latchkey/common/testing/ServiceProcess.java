package io.latchkey.common.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Latchkey process of its own for tests: a main class started with this JVM's test class path (or a jar),
 * configured only through its environment (inherited {@code LATCHKEY_*} variables removed), its output appended to
 * a log file. {@link #terminate()} is SIGTERM, {@link #kill()} SIGKILL, the crash a service must survive;
 * {@link #close()} makes sure nothing outlives the test. The one fixture every test that starts a JVM uses.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final int LOG_TAIL_BYTES = 6_000;

    /**
     * Several JVMs share two cores in the tests: a serial collector and the C1 compiler keep the JIT and GC threads
     * from starving the services. Benchmarks pass their own options.
     */
    public static final List<String> TEST_JVM_OPTIONS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** The management port settings of a service and of the dev stack's three services. */
    private static final List<String> MANAGEMENT_PORTS = List.of(
            "LATCHKEY_MANAGEMENT_PORT",
            "LATCHKEY_AUTH_SERVER_MANAGEMENT_PORT",
            "LATCHKEY_KEY_SERVICE_MANAGEMENT_PORT",
            "LATCHKEY_RESOURCE_DEMO_MANAGEMENT_PORT");

    public final String name;
    private final Process process;
    private final Path log;
    private final long startedNanos;

    private ServiceProcess(String name, Process process, Path log, long startedNanos) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /** A process that runs {@code mainClass} from this JVM's test class path. */
    public static Builder main(String name, String mainClass) {
        return new Builder(name, List.of("-cp", testClassPath(), mainClass));
    }

    /** A process that runs an executable jar. */
    public static Builder jar(String name, Path jar) {
        return new Builder(name, List.of("-jar", jar.toAbsolutePath().toString()));
    }

    /** Surefire runs tests from a manifest-only jar; this property holds the real test class path. */
    public static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    public List<String> logLines() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits until {@code GET http://127.0.0.1:port/health/ready} answers 200; returns the time since start. */
    public Duration awaitReady(int port, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (status(port, "/health/ready") != 200) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(name + " not ready within " + deadline + ":\n" + logTail());
            }
            waitFor(Duration.ofMillis(100)); // doubles as the poll interval and notices a crash at once
        }
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** SIGTERM: the graceful shutdown a service owes its in-flight requests. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: no shutdown hook, no graceful close, connections dropped mid-request. */
    public void kill() {
        process.destroyForcibly();
        if (!waitFor(Duration.ofSeconds(10))) {
            throw new AssertionError(name + " survived SIGKILL for 10 s");
        }
    }

    /** True when the process has exited within {@code deadline}. */
    public boolean waitFor(Duration deadline) {
        try {
            return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public String logTail() {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, file.length() - LOG_TAIL_BYTES);
            byte[] tail = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(tail);
            return "---- " + name + " (" + log + ") ----\n" + new String(tail, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "---- " + name + ": no log ----";
        }
    }

    /** Resident set size from {@code /proc/<pid>/status}, in KiB; -1 where it cannot be read. */
    public long residentKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or the process is gone.
        }
        return -1;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }

    /** The status of a plain-HTTP GET on loopback, or -1 while nothing answers within 2 s. */
    public static int status(int port, String path) {
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

    /** True when a TCP connection to loopback {@code port} is refused (nothing listens). */
    public static boolean refused(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Ports free a moment ago, for a process that must be told a fixed port. */
    public static int[] freePorts(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new AssertionError("no free port", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing a probe socket cannot lose anything.
                }
            }
        }
    }

    public static int freePort() {
        return freePorts(1)[0];
    }

    /** How a process is started: its JVM options, environment and log. */
    public static final class Builder {
        private final String name;
        private final List<String> target;
        private final List<String> jvmOptions = new ArrayList<>(TEST_JVM_OPTIONS);
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path directory;
        private Path log;

        private Builder(String name, List<String> target) {
            this.name = name;
            this.target = target;
        }

        /** Replaces {@link #TEST_JVM_OPTIONS}. */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.clear();
            jvmOptions.addAll(options);
            return this;
        }

        /** The test class path holds logback-test.xml; a service's own format is tested with its logback.xml. */
        public Builder serviceLogging() {
            jvmOptions.add("-Dlogback.configurationFile=logback.xml");
            return this;
        }

        public Builder env(Map<String, String> values) {
            env.putAll(values);
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** The working directory, and where the log goes unless {@link #log(Path)} says otherwise. */
        public Builder directory(Path dir) {
            this.directory = dir;
            return this;
        }

        public Builder log(Path file) {
            this.log = file;
            return this;
        }

        public ServiceProcess start() {
            if (directory == null) {
                throw new IllegalStateException("a process needs a directory for its log");
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(target);
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("LATCHKEY_"));
            builder.environment().putAll(env);
            // Every service also listens on a management port, 9080-9082 by default: any free one unless the test
            // chose, or two processes of one test (or two tests at once) would collide on the default.
            for (String port : MANAGEMENT_PORTS) {
                builder.environment().putIfAbsent(port, "0");
            }
            Path file = log != null ? log : directory.resolve(name + ".log");
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile()));
            long started = System.nanoTime();
            try {
                return new ServiceProcess(name, builder.start(), file, started);
            } catch (IOException e) {
                throw new AssertionError("could not start " + name, e);
            }
        }
    }
}
