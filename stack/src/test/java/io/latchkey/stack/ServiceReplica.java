package io.latchkey.stack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Latchkey service replica as a JVM of its own: started with the test classpath and a service main class,
 * configured only through its environment, its output in a log file. {@link #kill()} is SIGKILL, the crash a
 * replica must survive; {@link #close()} makes sure nothing outlives the test.
 */
public final class ServiceReplica implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final int LOG_TAIL_BYTES = 6_000;

    /**
     * Six JVMs share two cores in the tests: a serial collector and the C1 compiler only keep the JIT and GC
     * threads from starving the services. Benchmarks pass their own options.
     */
    public static final List<String> TEST_JVM_OPTIONS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    public final String name;
    public final int port;
    private final Process process;
    private final Path log;
    private final long startedNanos;

    private ServiceReplica(String name, int port, Process process, Path log, long startedNanos) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /** Starts {@code mainClass} with {@link #TEST_JVM_OPTIONS}; {@code port} is the listener whose readiness counts. */
    static ServiceReplica start(String name, String mainClass, int port, Map<String, String> env, Path dir)
            throws IOException {
        return start(name, mainClass, port, env, dir, TEST_JVM_OPTIONS);
    }

    /** Starts {@code mainClass} in a JVM with {@code jvmOptions} and this JVM's classpath. */
    public static ServiceReplica start(
            String name, String mainClass, int port, Map<String, String> env, Path dir, List<String> jvmOptions)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("LATCHKEY_"));
        builder.environment().putAll(env);
        Path log = dir.resolve(name + ".log");
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long started = System.nanoTime();
        return new ServiceReplica(name, port, builder.start(), log, started);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits until {@code GET /health/ready} answers 200; returns the time since the JVM was started. */
    public Duration awaitReady(Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (status("/health/ready") != 200) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(name + " not ready within " + deadline + ":\n" + logTail());
            }
            // Waiting on the process doubles as the poll interval and notices a crash at once.
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no graceful close, connections dropped mid-request. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " survived SIGKILL for 10 s");
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

    private int status(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url() + path))
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

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
