package dev.recipe.text.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import dev.recipe.text.LabelledText;

/**
 * Deterministic seeded splits, e.g. train/dev/test 0.8/0.1/0.1. Each row goes to exactly one part; part sizes are
 * the fractions of the row count rounded by largest remainder (ties to the earlier part); rows keep their original
 * relative order inside a part. Stratified: each label's rows are split that way on their own (labels ascending,
 * one random stream), so every part has the label proportions of the whole, and part sizes may differ by up to one
 * per label from the unstratified sizes.
 */
public final class Splits {
    private Splits() {}

    /** Fractions must be finite, {@code >= 0} and sum to 1 (within 1e-6). */
    public static List<List<LabelledText>> split(List<LabelledText> rows, double[] fractions, long seed,
                                                 boolean stratified) {
        checkFractions(fractions);
        SplittableRandom random = new SplittableRandom(seed);
        List<List<Integer>> groups = new ArrayList<>();
        if (stratified) {
            groups.addAll(Subsample.byLabel(rows).values());
        } else {
            List<Integer> all = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) all.add(i);
            groups.add(all);
        }
        List<List<Integer>> parts = new ArrayList<>();
        for (int k = 0; k < fractions.length; k++) parts.add(new ArrayList<>());
        for (List<Integer> group : groups) {
            int[] perm = SeededShuffle.permutation(group.size(), random);
            int[] sizes = SeededShuffle.allocate(group.size(), fractions);
            int next = 0;
            for (int k = 0; k < sizes.length; k++) {
                for (int i = 0; i < sizes[k]; i++) parts.get(k).add(group.get(perm[next++]));
            }
        }
        List<List<LabelledText>> out = new ArrayList<>(parts.size());
        for (List<Integer> part : parts) out.add(Subsample.pick(rows, part.stream().mapToInt(Integer::intValue).toArray()));
        return List.copyOf(out);
    }

    private static void checkFractions(double[] fractions) {
        if (fractions.length == 0) throw new IllegalArgumentException("no split fractions given");
        double sum = 0;
        for (double f : fractions) {
            if (!(f >= 0) || Double.isInfinite(f)) {
                throw new IllegalArgumentException("split fractions must be finite and >= 0: " + Arrays.toString(fractions));
            }
            sum += f;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("split fractions must sum to 1, got " + sum + ": "
                    + Arrays.toString(fractions));
        }
    }
}
