package dev.recipe.text.data;

import static dev.recipe.text.data.DataTestFiles.counts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.recipe.text.LabelledText;

class SubsampleTest {
    /** {@code counts[l]} rows of label l, interleaved, texts "r0", "r1", ... in order. */
    static List<LabelledText> rows(int... counts) {
        List<LabelledText> out = new ArrayList<>();
        int[] left = counts.clone();
        boolean any = true;
        while (any) {
            any = false;
            for (int l = 0; l < left.length; l++) {
                if (left[l]-- > 0) {
                    out.add(new LabelledText("r" + out.size(), l));
                    any = true;
                }
            }
        }
        return out;
    }

    private static boolean inOriginalOrder(List<LabelledText> sample) {
        for (int i = 1; i < sample.size(); i++) {
            int a = Integer.parseInt(sample.get(i - 1).text().substring(1));
            int b = Integer.parseInt(sample.get(i).text().substring(1));
            if (a >= b) return false;
        }
        return true;
    }

    @Test
    void shuffleIsSplitMix64FisherYatesAsComputedInPython() {
        // Reference values from a 20-line Python SplitMix64 + the same Fisher-Yates / rejection sampling.
        assertEquals(-4767286540954276203L, new SplittableRandom(42).nextLong());
        assertArrayEquals(new int[] {3, 8, 4, 2, 9, 5, 7, 1, 0, 6}, SeededShuffle.permutation(10, new SplittableRandom(42)));
        assertArrayEquals(new int[] {1, 3, 9, 5, 7, 4, 2, 8, 0, 6}, SeededShuffle.permutation(10, new SplittableRandom(-7)));
    }

    @Test
    void stratifiedKeepsProportionsByLargestRemainder() {
        List<LabelledText> all = rows(10, 20, 70);
        // exact shares 1.5, 3, 10.5: floors 1+3+10, the spare one to the tie's earlier label
        assertEquals(List.of(2, 3, 10), counts(Subsample.stratified(all, 15, 1), 3));
        assertEquals(List.of(1, 2, 7), counts(Subsample.stratified(all, 10, 1), 3));
        assertEquals(List.of(10, 20, 70), counts(Subsample.stratified(all, 100, 1), 3));
        assertEquals(List.of(0, 0, 0), counts(Subsample.stratified(all, 0, 1), 3));
    }

    @Test
    void deterministicSeededAndInOriginalOrder() {
        List<LabelledText> all = rows(10, 20, 70);
        List<LabelledText> a = Subsample.stratified(all, 30, 7);
        assertEquals(a, Subsample.stratified(all, 30, 7));
        assertNotEquals(a, Subsample.stratified(all, 30, 8));
        assertTrue(inOriginalOrder(a));
        List<LabelledText> b = Subsample.random(all, 30, 7);
        assertEquals(b, Subsample.random(all, 30, 7));
        assertNotEquals(b, Subsample.random(all, 30, 8));
        assertEquals(30, b.size());
        assertTrue(inOriginalOrder(b));
        assertEquals(30, b.stream().distinct().count());
        // random(list, n, seed) takes the first n of the seeded permutation, in index order
        assertEquals(List.of("r2", "r3", "r4", "r8"), Subsample.random(rows(10), 4, 42).stream()
                .map(LabelledText::text).toList());
    }

    @Test
    void sizeOutOfRangeFails() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Subsample.random(rows(3), 4, 1)).getMessage()
                .contains("cannot subsample 4 rows from 3"));
        assertThrows(IllegalArgumentException.class, () -> Subsample.stratified(rows(3), -1, 1));
    }
}
