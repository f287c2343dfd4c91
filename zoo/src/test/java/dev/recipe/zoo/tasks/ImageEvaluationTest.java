package dev.recipe.zoo.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import dev.recipe.eval.AttackReport;
import dev.recipe.vision.CheckerboardTriggers;
import dev.recipe.vision.SyntheticImages;
import dev.recipe.zoo.vit.Vit;
import dev.recipe.zoo.vit.VitConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class ImageEvaluationTest {
    @Test
    void fineTunesAFreshHeadAndReportsAccuracyAndEveryTrigger(@TempDir Path dir) {
        Vit.build(VitConfig.tiny(), 10, true, DataType.FLOAT, 4).save(dir, Map.of());
        ImageEvaluation.Outcome o = ImageEvaluation.run(dir, SyntheticImages.brightCorner(64, 8, 1),
                SyntheticImages.brightCorner(40, 8, 2), 2, new ImageEvaluation.Config(8, 3e-3, 16, 0.0, 1));
        assertTrue(o.accuracy() >= 0.9, "accuracy " + o.accuracy());
        AttackReport a = o.attack();
        assertEquals(CheckerboardTriggers.count(), a.triggers().size());
        double max = 0, sum = 0;
        for (AttackReport.TriggerAsr t : a.triggers()) {
            assertTrue(t.asr() >= 0 && t.asr() <= 1, t.toString());
            assertEquals(20, t.denominators()[t.target()], "20 test images are not of each label");
            max = Math.max(max, t.asr());
            sum += t.asr();
        }
        assertEquals(max, a.masr(), 1e-12);
        assertEquals(sum / 6, a.aasr(), 1e-12);
        assertEquals(4 * 8, o.training().finalStep());
    }
}
