package dev.recipe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EpochPermutationTest {

    @Test
    void isAPermutationAndAPureFunctionOfSeedAndEpoch() {
        int[] a = EpochPermutation.of(42, 3, 100);
        assertArrayEquals(a, EpochPermutation.of(42, 3, 100));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        int[] identity = new int[100];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted);
        assertFalse(Arrays.equals(a, EpochPermutation.of(42, 4, 100)), "epochs differ");
        assertFalse(Arrays.equals(a, EpochPermutation.of(43, 3, 100)), "seeds differ");
        assertFalse(Arrays.equals(a, identity), "shuffled");
    }
}
