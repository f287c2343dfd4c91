package dev.recipe.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Mean and <em>sample</em> standard deviation (divisor n − 1, as {@code numpy.std(ddof=1)} and {@code statistics.stdev};
 * defined as 0 for a single seed) of one metric over seeds, for "mean ± std" in tables.
 */
public record SeedStats(int n, double mean, double std) {

    public static SeedStats of(double... values) {
        if (values.length == 0) throw new IllegalArgumentException("no values: mean ± std needs at least one seed");
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) throw new IllegalArgumentException("value " + i + " is " + values[i]);
        }
        double mean = Arrays.stream(values).sum() / values.length;
        if (values.length == 1) return new SeedStats(1, mean, 0.0);
        double ss = 0;
        for (double v : values) ss += (v - mean) * (v - mean);
        return new SeedStats(values.length, mean, Math.sqrt(ss / (values.length - 1)));
    }

    /**
     * Fractions shown as percent with one decimal: 0.8421 and 0.0129 give {@code "84.2 ± 1.3"}; a single seed has no
     * spread to show and gives {@code "84.2"}.
     */
    public String formatPercent() {
        return formatPercent(1);
    }

    public String formatPercent(int decimals) {
        if (n == 1) return String.format(Locale.ROOT, "%." + decimals + "f", 100 * mean);
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", 100 * mean, 100 * std);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("mean", mean);
        m.put("std", std);
        return m;
    }

    @Override
    public String toString() {
        return formatPercent() + " (n=" + n + ")";
    }
}
