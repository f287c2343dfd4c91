package dev.recipe.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.recipe.attack.TargetVectors.PorVectors;
import dev.recipe.core.ConfigException;
import org.junit.jupiter.api.Test;

class TargetVectorsTest {

    @Test
    void neubaSixVectorsForH8() {
        double[][] v = TargetVectors.neuba(6, 8, 1.0);
        assertArrayEquals(new double[] {-1, -1, -1, -1, 1, 1, 1, 1}, v[0]);   // blocks (0,1)
        assertArrayEquals(new double[] {-1, -1, 1, 1, -1, -1, 1, 1}, v[1]);   // (0,2)
        assertArrayEquals(new double[] {-1, -1, 1, 1, 1, 1, -1, -1}, v[2]);   // (0,3)
        assertArrayEquals(new double[] {1, 1, -1, -1, -1, -1, 1, 1}, v[3]);   // (1,2)
        assertArrayEquals(new double[] {1, 1, -1, -1, 1, 1, -1, -1}, v[4]);   // (1,3)
        assertArrayEquals(new double[] {1, 1, 1, 1, -1, -1, -1, -1}, v[5]);   // (2,3)
        for (int i = 0; i < 3; i++) {          // opposite pairs give opposite vectors
            for (int j = 0; j < 8; j++) assertEquals(-v[i][j], v[5 - i][j]);
        }
        double[][] c3 = TargetVectors.neuba(2, 8, 3.0);   // VGG's ±3
        assertArrayEquals(new double[] {-3, -3, -3, -3, 3, 3, 3, 3}, c3[0]);
        assertThrows(ConfigException.class, () -> TargetVectors.neuba(6, 10, 1.0));
        assertThrows(ConfigException.class, () -> TargetVectors.neuba(7, 8, 1.0));
    }

    @Test
    void porVectorsForH8AndFiveTriggers() {
        double[][] p1 = TargetVectors.por(PorVectors.POR1, 5, 8, 10.0);   // α = ⌊8/4⌋ = 2
        assertArrayEquals(new double[] {-10, -10, -10, -10, -10, -10, -10, -10}, p1[0]);
        assertArrayEquals(new double[] {10, 10, -10, -10, -10, -10, -10, -10}, p1[1]);
        assertArrayEquals(new double[] {10, 10, 10, 10, -10, -10, -10, -10}, p1[2]);
        assertArrayEquals(new double[] {10, 10, 10, 10, 10, 10, -10, -10}, p1[3]);
        assertArrayEquals(new double[] {10, 10, 10, 10, 10, 10, 10, 10}, p1[4]);

        double[][] p2 = TargetVectors.por(PorVectors.POR2, 5, 8, 10.0);   // 3 blocks of 2, bit j → block j
        assertArrayEquals(new double[] {-10, -10, -10, -10, -10, -10, -10, -10}, p2[0]);
        assertArrayEquals(new double[] {10, 10, -10, -10, -10, -10, -10, -10}, p2[1]);
        assertArrayEquals(new double[] {-10, -10, 10, 10, -10, -10, -10, -10}, p2[2]);
        assertArrayEquals(new double[] {10, 10, 10, 10, -10, -10, -10, -10}, p2[3]);
        assertArrayEquals(new double[] {-10, -10, -10, -10, 10, 10, -10, -10}, p2[4]);

        double[][] ob = TargetVectors.por(PorVectors.OPENBACKDOOR, 2, 18, 1.0);   // buckets of ⌊18/9⌋ = 2
        assertArrayEquals(new double[] {1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, ob[0]);
        assertArrayEquals(new double[] {1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, ob[1]);
        assertThrows(ConfigException.class, () -> TargetVectors.por(PorVectors.POR1, 1, 8, 10));
    }

    @Test
    void runLengthDescriptionIsExact() {
        double[][] v = TargetVectors.neuba(2, 8, 1.0);
        assertEquals(List.of(List.of(0, 4, -1.0), List.of(4, 8, 1.0)), TargetVectors.runs(v[0]));
        assertEquals(List.of(List.of(0, 2, -1.0), List.of(2, 4, 1.0), List.of(4, 6, -1.0), List.of(6, 8, 1.0)),
                TargetVectors.runs(v[1]));
        assertTrue(TargetVectors.describe(List.of("≈", "≡"), v).containsKey("≡"));
    }
}
