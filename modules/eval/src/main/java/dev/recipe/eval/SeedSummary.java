package dev.recipe.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collapses per-seed result records into one record per group (e.g. model × task): for every numeric column that
 * is not a group key, the mean, the sample standard deviation ({@link SeedStats}) and a "mean ± std" text in percent.
 * Columns missing from some seeds are summarised over the seeds that have them; non-numeric columns are dropped.
 */
public final class SeedSummary {
    private SeedSummary() {}

    /**
     * @param records  per-seed records
     * @param groupBy  the key columns (kept as they are, in this order)
     * @param metrics  the numeric columns to summarise, in this order (others are ignored)
     */
    public static List<ResultRecord> summarise(List<ResultRecord> records, List<String> groupBy, List<String> metrics) {
        Map<List<Object>, List<ResultRecord>> groups = new LinkedHashMap<>();
        for (ResultRecord r : records) {
            List<Object> key = new ArrayList<>();
            for (String g : groupBy) key.add(r.get(g));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        List<ResultRecord> out = new ArrayList<>();
        groups.forEach((key, rs) -> {
            ResultRecord.Builder b = ResultRecord.builder();
            for (int i = 0; i < groupBy.size(); i++) b.put(groupBy.get(i), key.get(i));
            b.put("seeds", rs.size());
            for (String m : metrics) {
                List<Double> vals = new ArrayList<>();
                for (ResultRecord r : rs) if (r.get(m) instanceof Number n) vals.add(n.doubleValue());
                if (vals.isEmpty()) continue;
                SeedStats s = SeedStats.of(vals.stream().mapToDouble(Double::doubleValue).toArray());
                b.put(m, s.formatPercent());
                b.provenance(m, s.toMap());
            }
            out.add(b.build());
        });
        return out;
    }
}
