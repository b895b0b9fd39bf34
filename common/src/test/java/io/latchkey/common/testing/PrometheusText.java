package io.latchkey.common.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4: every line must be a {@code # HELP}, a {@code # TYPE}, another
 * comment or a sample {@code name{labels} value}, and every sample's family must have been typed once. Returns the
 * samples keyed by their series ({@code name{labels}} as written).
 *
 * @see <a href="https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format">text format</a>
 */
public final class PrometheusText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:" + LABEL + ")(?:," + LABEL
            + ")*,?\\})?" + " ([-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|NaN|Inf))(?: -?[0-9]+)?");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");

    private PrometheusText() {}

    public static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher type = TYPE.matcher(line);
            if (type.matches()) {
                if (types.put(type.group(1), type.group(2)) != null) {
                    throw new IllegalArgumentException("line " + number + ": second TYPE for " + type.group(1));
                }
                continue;
            }
            if (HELP.matcher(line).matches() || (line.startsWith("#") && !line.startsWith("# TYPE"))) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                throw new IllegalArgumentException("line " + number + " is not Prometheus text: " + line);
            }
            String name = sample.group(1);
            if (types.keySet().stream().noneMatch(family -> name.equals(family) || name.startsWith(family + "_"))) {
                throw new IllegalArgumentException("line " + number + ": sample before its TYPE: " + name);
            }
            String series = name + (sample.group(2) == null ? "" : sample.group(2));
            if (samples.put(series, value(sample.group(3))) != null) {
                throw new IllegalArgumentException("line " + number + ": duplicate series " + series);
            }
        }
        return samples;
    }

    /** The sum of every series of {@code name} whose labels contain all of {@code labels} (as {@code k="v"}). */
    public static double sum(Map<String, Double> samples, String name, String... labels) {
        double total = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String series = e.getKey();
            if (!(series.equals(name) || series.startsWith(name + "{"))) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= series.contains(label);
            }
            if (all) {
                total += e.getValue();
            }
        }
        return total;
    }

    private static double value(String raw) {
        return switch (raw) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(raw);
        };
    }
}
