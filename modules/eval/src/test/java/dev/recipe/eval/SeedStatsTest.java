package dev.recipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SeedStatsTest {
    @Test
    void oneSeedHasZeroStd() {
        SeedStats s = SeedStats.of(0.842);
        assertEquals(1, s.n());
        assertEquals(0.842, s.mean(), 1e-12);
        assertEquals(0.0, s.std(), 0.0);
        assertEquals("84.2", s.formatPercent());
    }

    /*
     * 0.80, 0.84, 0.88: mean 0.84; deviations −0.04, 0, 0.04; Σd² = 0.0032; /(n−1) = 0.0016; √ = 0.04 → "84.0 ± 4.0"
     * 0.829, 0.842, 0.855: mean 0.842, Σd² = 2·0.013² = 0.000338, /2 = 0.000169, √ = 0.013 → "84.2 ± 1.3"
     */
    @Test
    void threeSeedsUseTheSampleStd() {
        SeedStats s = SeedStats.of(0.80, 0.84, 0.88);
        assertEquals(0.84, s.mean(), 1e-12);
        assertEquals(0.04, s.std(), 1e-12);
        assertEquals("84.0 ± 4.0", s.formatPercent());
        assertEquals("84.2 ± 1.3", SeedStats.of(0.829, 0.842, 0.855).formatPercent());
        assertEquals("84.20 ± 1.30", SeedStats.of(0.829, 0.842, 0.855).formatPercent(2));
    }

    @Test
    void noValuesOrNaNAreRejected() {
        assertThrows(IllegalArgumentException.class, SeedStats::of);
        assertThrows(IllegalArgumentException.class, () -> SeedStats.of(0.5, Double.NaN));
    }
}
