package dev.recipe.text.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

import dev.recipe.text.LabelledText;

/**
 * Deterministic seeded subsamples: the same list, size and seed give the same rows on any JVM
 * ({@link SeededShuffle}). The chosen rows keep their original relative order.
 */
public final class Subsample {
    private Subsample() {}

    /** {@code n} rows drawn uniformly without replacement. */
    public static <T> List<T> random(List<T> rows, int n, long seed) {
        checkSize(rows, n);
        int[] perm = SeededShuffle.permutation(rows.size(), new SplittableRandom(seed));
        int[] chosen = Arrays.copyOf(perm, n);
        return pick(rows, chosen);
    }

    /**
     * {@code n} rows with the label proportions of {@code rows}: label {@code l} with {@code c_l} of the {@code N}
     * rows gets {@code n·c_l/N} rounded by largest remainder (ties to the smaller label), so the counts sum to
     * {@code n}; within a label the rows are drawn uniformly (labels in ascending order, one random stream).
     */
    public static List<LabelledText> stratified(List<LabelledText> rows, int n, long seed) {
        checkSize(rows, n);
        TreeMap<Integer, List<Integer>> byLabel = byLabel(rows);
        double[] counts = byLabel.values().stream().mapToDouble(List::size).toArray();
        int[] quota = SeededShuffle.allocate(n, counts);
        SplittableRandom random = new SplittableRandom(seed);
        int[] chosen = new int[n];
        int filled = 0;
        int k = 0;
        for (List<Integer> indices : byLabel.values()) {
            int[] perm = SeededShuffle.permutation(indices.size(), random);
            for (int i = 0; i < quota[k]; i++) chosen[filled++] = indices.get(perm[i]);
            k++;
        }
        return pick(rows, chosen);
    }

    /** Row indices per label, labels ascending, indices in order. */
    static TreeMap<Integer, List<Integer>> byLabel(List<LabelledText> rows) {
        TreeMap<Integer, List<Integer>> byLabel = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) byLabel.computeIfAbsent(rows.get(i).label(), l -> new ArrayList<>()).add(i);
        return byLabel;
    }

    /** The rows at {@code indices}, in ascending index order. */
    static <T> List<T> pick(List<T> rows, int[] indices) {
        int[] sorted = indices.clone();
        Arrays.sort(sorted);
        List<T> out = new ArrayList<>(sorted.length);
        for (int i : sorted) out.add(rows.get(i));
        return List.copyOf(out);
    }

    private static void checkSize(List<?> rows, int n) {
        if (n < 0 || n > rows.size()) {
            throw new IllegalArgumentException("cannot subsample " + n + " rows from " + rows.size());
        }
    }
}
