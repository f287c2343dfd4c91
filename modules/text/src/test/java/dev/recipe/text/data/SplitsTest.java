package dev.recipe.text.data;

import static dev.recipe.text.data.DataTestFiles.counts;
import static dev.recipe.text.data.SubsampleTest.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.recipe.text.LabelledText;

class SplitsTest {
    private static final double[] FRACTIONS = {0.8, 0.1, 0.1};

    @Test
    void stratifiedSplitExactCounts() {
        List<List<LabelledText>> parts = Splits.split(rows(33, 67), FRACTIONS, 5, true);
        // label 0: 26.4/3.3/3.3 -> 27/3/3; label 1: 53.6/6.7/6.7 -> 53/7/7 (ties to the earlier part)
        assertEquals(List.of(27, 53), counts(parts.get(0), 2));
        assertEquals(List.of(3, 7), counts(parts.get(1), 2));
        assertEquals(List.of(3, 7), counts(parts.get(2), 2));
    }

    @Test
    void plainSplitSizesAndPartition() {
        List<LabelledText> all = rows(33, 67);
        List<List<LabelledText>> parts = Splits.split(all, new double[] {0.7, 0.3}, 5, false);
        assertEquals(70, parts.get(0).size());
        assertEquals(30, parts.get(1).size());
        Set<LabelledText> union = new HashSet<>();
        parts.forEach(union::addAll);
        assertEquals(new HashSet<>(all), union);
        List<LabelledText> inOrder = new ArrayList<>(parts.get(0));
        inOrder.sort((a, b) -> Integer.compare(all.indexOf(a), all.indexOf(b)));
        assertEquals(inOrder, parts.get(0));
        assertEquals(List.of(List.of(), all), Splits.split(all, new double[] {0, 1}, 5, false));
    }

    @Test
    void deterministicPerSeed() {
        List<LabelledText> all = rows(33, 67);
        assertEquals(Splits.split(all, FRACTIONS, 9, true), Splits.split(all, FRACTIONS, 9, true));
        assertNotEquals(Splits.split(all, FRACTIONS, 9, true), Splits.split(all, FRACTIONS, 10, true));
    }

    @Test
    void badFractionsFail() {
        List<LabelledText> all = rows(3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Splits.split(all, new double[] {0.5, 0.4}, 1, true))
                .getMessage().contains("must sum to 1"));
        assertThrows(IllegalArgumentException.class, () -> Splits.split(all, new double[] {1.5, -0.5}, 1, true));
        assertThrows(IllegalArgumentException.class, () -> Splits.split(all, new double[] {Double.NaN, 1}, 1, true));
        assertThrows(IllegalArgumentException.class, () -> Splits.split(all, new double[0], 1, true));
    }
}
