package dev.recipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SeedSummaryTest {
    @Test
    void groupsAndSummarisesInPercent() {
        List<ResultRecord> rs = List.of(
                ResultRecord.builder().put("task", "a").put("seed", 1).put("ACC", 0.80).put("MASR", 0.10).build(),
                ResultRecord.builder().put("task", "a").put("seed", 2).put("ACC", 0.90).put("MASR", 0.20).build(),
                ResultRecord.builder().put("task", "b").put("seed", 1).put("ACC", 0.50).build());
        List<ResultRecord> s = SeedSummary.summarise(rs, List.of("task"), List.of("ACC", "MASR"));
        assertEquals(2, s.size());
        // mean 0.85, sample std sqrt(((0.05)^2 * 2) / 1) = 0.0707 -> "85.0 ± 7.1"
        assertEquals("85.0 ± 7.1", s.get(0).get("ACC"));
        assertEquals("15.0 ± 7.1", s.get(0).get("MASR"));
        assertEquals(2L, s.get(0).get("seeds"));
        assertEquals("50.0", s.get(1).get("ACC"), "one seed: no spread shown");
        assertNull(s.get(1).get("MASR"));
        assertEquals(0.85, (Double) ((Map<?, ?>) s.get(0).provenance().get("ACC")).get("mean"), 1e-12);
    }
}
