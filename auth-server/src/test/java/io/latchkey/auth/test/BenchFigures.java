package io.latchkey.auth.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
