package dev.recipe.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.recipe.eval.ResultRecord;
import dev.recipe.eval.ResultTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproductionReportTest {
    private static final String PAPER = """
            {"tables": [{"id": "table1", "paper_label": "Table 1", "what": "main", "rows": [
               {"model": "BERT", "attack": "NeuBA", "defense": "none", "task": "SST-2", "metric": "ACC", "value": 92.2, "extra": {}},
               {"model": "BERT", "attack": "NeuBA", "defense": "none", "task": "SST-2", "metric": "MASR", "value": 100.0, "extra": {}},
               {"model": "BERT", "attack": "NeuBA", "defense": "RECIPE", "task": "SST-2", "metric": "MASR", "value": 12.28, "extra": {}}]}],
             "findings": [{"id": "no-defense-masr-high", "text": "backdoors survive"},
                          {"id": "recipe-near-floor", "text": "RECIPE removes them"},
                          {"id": "lambda-sweep", "text": "lambda"}]}
            """;

    private static final String GRID = """
            {"name": "g", "work": "%1$s/work", "out": "%1$s/out", "reference": "clean",
             "evaluate": {"tasks": ["sst2"], "seeds": [1, 2], "trainSize": 100, "testSize": 50},
             "models": [
               {"name": "clean", "model": "%1$s/clean", "paper": {"tables": ["table2"], "attack": "none", "defense": "clean"}},
               {"name": "NeuBA", "from": "clean", "attack": {"name": "neuba"}, "corpus": ["c.txt"],
                "paper": {"tables": ["table1", "table10"], "attack": "NeuBA", "defense": "none"}},
               {"name": "NeuBA + RECIPE", "from": "NeuBA", "defense": "recipe",
                "paper": {"tables": ["table1", "table10"], "attack": "NeuBA", "defense": "RECIPE"}}]}
            """;

    private static void cell(Path out, String slug, long seed, double acc, double masr) {
        ResultRecord r = ResultRecord.builder().put("model", slug).put("task", "sst2").put("seed", seed).put("ACC", acc)
                .put("macro_F1", acc).put("AASR", masr).put("MASR", masr).put("MASR_trigger", "≈").put("ASR[≈]", masr).build();
        new ResultTable(List.of(r)).writeJson(out.resolve("eval").resolve(slug).resolve("cells").resolve("sst2-seed" + seed + ".json"));
    }

    private static void neurons(Path out, String slug, double poisonOnly, double overlap) {
        List<ResultRecord> rs = List.of(
                ResultRecord.builder().put("model", slug).put("task", "sst2").put("trigger", "≈")
                        .put("overlap_ratio", overlap - 0.01).put("poison_only_per_sample", poisonOnly - 1).build(),
                ResultRecord.builder().put("model", slug).put("task", "sst2").put("trigger", "≡")
                        .put("overlap_ratio", overlap + 0.01).put("poison_only_per_sample", poisonOnly + 1).build());
        new ResultTable(rs).writeJson(out.resolve("eval").resolve(slug).resolve("cells").resolve("sst2-neurons.json"));
    }

    @Test
    void putsOurNumbersNextToThePapersAndJudgesEachFinding(@TempDir Path dir) throws Exception {
        Path paper = dir.resolve("paper.json");
        Files.writeString(paper, PAPER);
        Path grid = dir.resolve("grid.json");
        Files.writeString(grid, GRID.formatted(dir));
        Path out = dir.resolve("out");
        cell(out, "clean", 1, 0.64, 0.40);
        cell(out, "clean", 2, 0.66, 0.44);            // floor 42.0, ACC 65.0
        cell(out, "neuba", 1, 0.64, 0.98);
        cell(out, "neuba", 2, 0.65, 1.00);            // MASR 99.0: 57 above the floor, ACC -0.5
        cell(out, "neuba-recipe", 1, 0.62, 0.50);
        cell(out, "neuba-recipe", 2, 0.60, 0.54);     // MASR 52.0: 10 above the floor, > 25 % of 57 -> not reproduced
        neurons(out, "neuba", 50, 0.90);
        neurons(out, "neuba-recipe", 38, 0.95);     // 38 <= 0.8 * 50 = 40 and the overlap rises -> reproduced
        ReproductionReport r = ReproductionReport.read(paper, List.of(grid));
        ReproductionReport.Verdict neurons = r.verdict("poison-only-neurons-drop");
        assertEquals(ReproductionReport.Status.REPRODUCED, neurons.status(), neurons.evidence());
        assertTrue(neurons.evidence().contains("poison-only neurons 38.0, overlap 0.950"), neurons.evidence());
        assertEquals(ReproductionReport.Status.REPRODUCED, r.verdict("no-defense-masr-high").status());
        ReproductionReport.Verdict near = r.verdict("recipe-near-floor");
        assertEquals(ReproductionReport.Status.NOT_REPRODUCED, near.status(), near.evidence());
        assertTrue(near.evidence().contains("MASR 52.0") && near.evidence().contains("floor 42.0"), near.evidence());
        assertEquals(ReproductionReport.Status.NOT_RUN, r.verdict("lambda-sweep").status());
        String md = r.markdown();
        assertTrue(md.contains("| NeuBA | none | SST-2 | 92.2 / 64.5 ± 0.7 | 100.0 / 99.0 ± 1.4 | 2 |"), md);
        assertTrue(md.contains("| NeuBA | RECIPE | SST-2 | — / 61.0 ± 1.4 | 12.28 / 52.0 ± 2.8 | 2 |"), md);
        assertTrue(md.contains("**not reproduced**") && md.contains("not run yet"), md);
    }
}
