package io.latchkey.auth.test;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What the benchmarks print beside their measurements. */
public final class BenchFigures {
    private BenchFigures() {}

    /** The {@code q} quantile of nanosecond figures sorted ascending, in milliseconds; NaN for none. */
    public static double percentileMs(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** The median of a benchmark's runs (the upper one of an even count). */
    public static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /**
     * The median of the runs' ratios, each figure over the ceiling measured beside it in the same run: on a shared
     * machine whose speed drifts, a ratio taken at one moment means more than two medians taken apart.
     */
    public static double medianRatio(List<Double> figures, List<Double> ceilings) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < figures.size(); i++) {
            ratios.add(figures.get(i) / ceilings.get(i));
        }
        return median(ratios);
    }

    /**
     * CPU time this whole JVM has used, in nanoseconds: in a benchmark program the servers, their clients, the
     * collector and the JIT, not PostgreSQL's processes.
     */
    public static long processCpuNanos() {
        return ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class).getProcessCpuTime();
    }

    /** The 1, 5 and 15 minute load averages, so a reader knows how busy the shared machine was. */
    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
