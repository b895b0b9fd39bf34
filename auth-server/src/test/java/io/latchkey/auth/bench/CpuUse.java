package io.latchkey.auth.bench;

import io.latchkey.common.testing.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * CPU time spent by this JVM and by the PostgreSQL server it uses, for figures that a busy shared machine does not
 * distort: wall-clock rates there measure the share of the cores a run got, CPU time per operation what the
 * operation costs. PostgreSQL's share is read from {@code /proc} (the postmaster and its children), so only for a
 * server on this host; elsewhere it is unknown (-1).
 */
final class CpuUse {
    private static final double MS_PER_TICK = 10; // USER_HZ is 100 on Linux
    private final long postmaster;
    private double idleJvmPerSecond;
    private double idlePostgresPerSecond;

    private CpuUse(long postmaster) {
        this.postmaster = postmaster;
    }

    /** Finds the PostgreSQL server behind {@code pool} through one backend's parent. */
    static CpuUse of(Pool pool) {
        int backend = Await.result(pool.query("SELECT pg_backend_pid()").execute())
                .iterator()
                .next()
                .getInteger(0);
        long[] stat = stat(backend);
        return new CpuUse(stat == null ? -1 : stat[0]);
    }

    /**
     * Measures what the idle system spends (timers, the revocation feed, pruners, the JIT finishing) over {@code
     * seconds} with no load, to take out of every later figure.
     */
    void calibrate(Vertx vertx, int seconds) {
        Reading from = read();
        Promise<Void> done = Promise.promise();
        vertx.setTimer(seconds * 1000L, id -> done.complete());
        Await.result(done.future());
        Reading to = read();
        double elapsed = (to.nanos - from.nanos) / 1e9;
        idleJvmPerSecond = (to.jvm - from.jvm) / elapsed;
        idlePostgresPerSecond = postmaster < 0 ? 0 : (to.postgres - from.postgres) / elapsed;
    }

    String idle() {
        return String.format(
                Locale.ROOT,
                "idle CPU taken out of the figures: JVM %.0f ms/s, PostgreSQL %.0f ms/s",
                idleJvmPerSecond,
                idlePostgresPerSecond);
    }

    /** A reading now: JVM, PostgreSQL and whole-machine CPU milliseconds so far. */
    Reading read() {
        double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e6;
        double[] machine = machineStat();
        return new Reading(jvm, postgresMs(), machine[0], (long) machine[1], System.nanoTime());
    }

    /** CPU milliseconds per operation between two readings, JVM and PostgreSQL, idle use taken out. */
    double[] perOperation(Reading from, Reading to, int count) {
        double elapsed = (to.nanos - from.nanos) / 1e9;
        double jvm = (to.jvm - from.jvm - idleJvmPerSecond * elapsed) / count;
        double postgres = postmaster < 0 ? 0 : (to.postgres - from.postgres - idlePostgresPerSecond * elapsed) / count;
        return new double[] {jvm, postgres};
    }

    /** {@link #perOperation} as text, with the rate two idle cores could sustain at that cost. */
    String describe(Reading from, Reading to, int count, String what) {
        double[] cost = perOperation(from, to, count);
        int cores = Runtime.getRuntime().availableProcessors();
        if (postmaster < 0) {
            return String.format(Locale.ROOT, "CPU per %s: JVM %.2f ms (PostgreSQL unknown)", what, cost[0]);
        }
        return String.format(
                Locale.ROOT,
                "CPU per %s: %.2f ms (JVM %.2f + PostgreSQL %.2f), at most %.0f/s on %d idle cores",
                what,
                cost[0] + cost[1],
                cost[0],
                cost[1],
                cores * 1000 / (cost[0] + cost[1]),
                cores);
    }

    /**
     * Where the whole machine's CPU went per operation between two readings: this JVM, PostgreSQL, and the rest (the
     * load generator, the kernel's own threads, anything else running). Idle use is not taken out: under full load
     * it is a rounding error, and the rest cannot be calibrated.
     */
    Split split(Reading from, Reading to, long count) {
        double elapsed = (to.nanos - from.nanos) / 1e9;
        int cores = Runtime.getRuntime().availableProcessors();
        return new Split(
                (to.machine - from.machine) * 1000 / count,
                (to.jvm - from.jvm) * 1000 / count,
                postmaster < 0 ? Double.NaN : (to.postgres - from.postgres) * 1000 / count,
                (to.machine - from.machine) / 1000 / (elapsed * cores),
                (double) (to.switches - from.switches) / count);
    }

    /**
     * CPU microseconds per operation, the share of the cores that were busy meanwhile, and the machine's context
     * switches per operation (each a thread put to sleep or woken: a hand-off between threads or processes).
     */
    record Split(double machine, double jvm, double postgres, double busy, double switches) {
        String describe(String what) {
            return String.format(
                    Locale.ROOT,
                    "CPU per %s: machine %.0f µs = JVM %.0f + PostgreSQL %.0f + rest %.0f; cores %.0f %% busy;"
                            + " %.1f context switches",
                    what,
                    machine,
                    jvm,
                    postgres,
                    machine - jvm - postgres,
                    busy * 100,
                    switches);
        }
    }

    /**
     * From one read of {@code /proc/stat}: busy CPU milliseconds of all cores since boot (user, nice, system, irq,
     * softirq, steal) and context switches since boot; -1 each when unknown.
     */
    private static double[] machineStat() {
        double busyMs = -1;
        double switches = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long busy = 0;
                    for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                        busy += Long.parseLong(f[i]);
                    }
                    busyMs = busy * MS_PER_TICK;
                } else if (line.startsWith("ctxt ")) {
                    switches = Long.parseLong(line.substring(5).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return new double[] {-1, -1};
        }
        return new double[] {busyMs, switches};
    }

    private double postgresMs() {
        if (postmaster < 0) {
            return -1;
        }
        long ticks = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path dir : processes.toList()) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                long[] stat = stat(pid);
                if (stat != null && (pid == postmaster || stat[0] == postmaster)) {
                    ticks += stat[1];
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks * MS_PER_TICK;
    }

    /** Parent pid and user + system ticks of {@code pid} (and of its reaped children), or null. */
    private static long[] stat(long pid) {
        try {
            String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command, which may hold spaces, in parentheses: state ppid ... utime(14) stime(15)
            // cutime(16) cstime(17).
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return new long[] {
                Long.parseLong(f[1]),
                Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])
            };
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** CPU milliseconds ({@code postgres}, {@code machine} -1 when unknown) and context switches so far. */
    record Reading(double jvm, double postgres, double machine, long switches, long nanos) {}
}
