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
               {"model": "BERT", "attack": "NeuBA", "defense": "RECIPE", "task": "SST-2", "metric": "MASR", "value": 12.28, "extra": {}},
               {"model": "RoBERTa", "attack": "NeuBA", "defense": "none", "task": "SST-2", "metric": "MASR", "value": 99.5, "extra": {}},
               {"model": "ResNet", "attack": "NeuBA", "defense": "none", "task": "SST-2", "metric": "MASR", "value": 1.0, "extra": {}}]}],
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
                "paper": {"tables": ["table1", "table10"], "attack": "NeuBA", "defense": "RECIPE"}},
               {"name": "NeuBA + FP", "from": "NeuBA", "defense": "fp",
                "paper": {"tables": ["table1"], "attack": "NeuBA", "defense": "FP"}}]}
            """;

    private static void cell(Path out, String slug, long seed, double acc, double masr) {
        cell(out, slug, "sst2", seed, acc, masr);
    }

    private static void cell(Path out, String slug, String task, long seed, double acc, double masr) {
        ResultRecord r = ResultRecord.builder().put("model", slug).put("task", task).put("seed", seed).put("ACC", acc)
                .put("macro_F1", acc).put("AASR", masr).put("MASR", masr).put("MASR_trigger", "≈").put("ASR[≈]", masr).build();
        new ResultTable(List.of(r)).writeJson(out.resolve("eval").resolve(slug).resolve("cells").resolve(task + "-seed" + seed + ".json"));
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
        assertEquals(ReproductionReport.Status.NOT_RUN, r.verdict("fp-fails").status());
        cell(out, "neuba-fp", 1, 0.63, 0.97);
        cell(out, "neuba-fp", 2, 0.63, 0.99);        // FP leaves the backdoor, above RECIPE: but 1 of the 9 cells
        ReproductionReport.Verdict fp = ReproductionReport.read(paper, List.of(grid)).verdict("fp-fails");
        assertEquals(ReproductionReport.Status.HOLDS_SO_FAR, fp.status(), fp.evidence());
        assertTrue(fp.evidence().contains("(1 of 9 cells run)"), fp.evidence());
        String md = r.markdown();
        assertTrue(md.contains("| NeuBA | none | SST-2 | 92.2 / 64.5 ± 0.7 | 100.0 / 99.0 ± 1.4 | 2 |"), md);
        assertTrue(md.contains("| NeuBA | RECIPE | SST-2 | — / 61.0 ± 1.4 | 12.28 / 52.0 ± 2.8 | 2 |"), md);
        assertTrue(md.contains("**not reproduced**") && md.contains("not run yet"), md);
        // the paper's RoBERTa rows have their own lines, matched by grid models whose paper block names the family
        assertTrue(md.contains("| NeuBA (RoBERTa) | none | SST-2 | — / — | 99.5 / — | — |"), md);
        assertTrue(!md.contains("| 1.0 /"), "rows of families outside the text tables are left out: " + md);
        Files.writeString(grid, GRID.formatted(dir).replace("\"attack\": \"NeuBA\", \"defense\": \"none\"}",
                "\"attack\": \"NeuBA\", \"defense\": \"none\", \"model\": \"RoBERTa\"}"));
        md = ReproductionReport.read(paper, List.of(grid)).markdown();
        assertTrue(md.contains("| NeuBA (RoBERTa) | none | SST-2 | — / 64.5 ± 0.7 | 99.5 / 99.0 ± 1.4 | 2 |"), md);
        assertTrue(md.contains("| NeuBA | none | SST-2 | 92.2 / — | 100.0 / — | — |"), md);
    }

    @Test
    void visionRowsStandForThePapersViTAndRecipeMustBeatEveryPruningBaseline(@TempDir Path dir) throws Exception {
        Path paper = dir.resolve("paper.json");
        Files.writeString(paper, """
                {"tables": [{"id": "table12", "paper_label": "Table 12", "what": "vision", "rows": [
                   {"model": "ViT", "attack": "NeuBA", "defense": "none", "task": "GTSRB", "metric": "MASR", "value": 100, "extra": {}},
                   {"model": "ViT", "attack": "NeuBA", "defense": "RECIPE", "task": "GTSRB", "metric": "MASR", "value": 20.72, "extra": {}},
                   {"model": "ResNet", "attack": "NeuBA", "defense": "none", "task": "GTSRB", "metric": "MASR", "value": 7.5, "extra": {}},
                   {"model": "CLIP", "attack": "NeuBA", "defense": "none", "task": "GTSRB", "metric": "MASR", "value": 8.25, "extra": {}}]}],
                 "findings": [{"id": "vit-recipe-beats-baselines", "text": "RECIPE surpasses all baselines on ViT"}]}
                """);
        StringBuilder models = new StringBuilder("""
                {"name": "vit", "model": "%1$s/vit", "paper": {"tables": ["table12"], "attack": "none", "defense": "clean", "model": "ViT"}},
                {"name": "NeuBA", "from": "vit", "attack": {"name": "neuba"}, "args": ["--images", "cifar10"],
                 "paper": {"tables": ["table12"], "attack": "NeuBA", "defense": "none", "model": "ViT"}}""".formatted(dir));
        for (String d : List.of("RECIPE", "FP", "FP-GM", "FP-GA")) {
            models.append(",\n").append("""
                    {"name": "NeuBA + %1$s", "from": "NeuBA", "defense": "%2$s", "args": ["--aux-images", "cifar10"],
                     "paper": {"tables": ["table12"], "attack": "NeuBA", "defense": "%1$s", "model": "ViT"}}"""
                    .formatted(d, d.equals("RECIPE") ? "recipe" : d.toLowerCase(java.util.Locale.ROOT)));
        }
        Path grid = dir.resolve("grid.json");
        Files.writeString(grid, """
                {"name": "v", "work": "%1$s/work", "out": "%1$s/out", "reference": "vit",
                 "evaluate": {"tasks": ["gtsrb"], "seeds": [1], "trainSize": 100, "testSize": 50}, "models": [%2$s]}
                """.formatted(dir, models));
        Path out = dir.resolve("out");
        cell(out, "vit", "gtsrb", 1, 0.90, 0.20);             // floor 20
        cell(out, "neuba", "gtsrb", 1, 0.91, 0.99);           // took: 79 above the floor
        cell(out, "neuba-recipe", "gtsrb", 1, 0.89, 0.30);    // floor + 10, ACC -2
        cell(out, "neuba-fp", "gtsrb", 1, 0.91, 0.99);
        cell(out, "neuba-fp-gm", "gtsrb", 1, 0.90, 0.60);
        cell(out, "neuba-fp-ga", "gtsrb", 1, 0.88, 0.35);
        ReproductionReport r = ReproductionReport.read(paper, List.of(grid));
        ReproductionReport.Verdict v = r.verdict("vit-recipe-beats-baselines");
        assertEquals(ReproductionReport.Status.REPRODUCED, v.status(), v.evidence());
        assertTrue(v.evidence().contains("GTSRB: undefended ACC 91.0 MASR 99.0 (floor 20.0)"), v.evidence());
        String md = r.markdown();
        assertTrue(md.contains("| NeuBA (ViT) | RECIPE | GTSRB | 20.72 / 30.0 | 1 |"), md);
        assertTrue(!md.contains("7.5 /"), "a family no grid can stand for is left out: " + md);
        assertTrue(md.contains("| NeuBA (CLIP) | none | GTSRB | 8.25 / — | — |"), "the paper's CLIP rows, not run here: " + md);
        cell(out, "neuba-fp-ga", "gtsrb", 1, 0.88, 0.25);     // a pruning baseline below RECIPE's MASR
        v = ReproductionReport.read(paper, List.of(grid)).verdict("vit-recipe-beats-baselines");
        assertEquals(ReproductionReport.Status.NOT_REPRODUCED, v.status(), v.evidence());
        assertTrue(v.evidence().contains("FP-GA MASR 25.0 ACC 88.0"), v.evidence());
        // rows purified with SGD (added after the declared rows) are judged by the same rule but never decide
        Files.writeString(grid, Files.readString(grid).replace("]}\n", """
                , {"name": "NeuBA + RECIPE (SGD)", "from": "NeuBA", "defense": "recipe",
                   "args": ["--aux-images", "cifar10", "--lr", "0.01", "--optimizer", "sgd", "--momentum", "0.8"],
                   "paper": {"tables": ["table12"], "attack": "NeuBA", "defense": "RECIPE (SGD)", "model": "ViT"}}]}
                """));
        cell(out, "neuba-recipe-sgd", "gtsrb", 1, 0.90, 0.22);
        v = ReproductionReport.read(paper, List.of(grid)).verdict("vit-recipe-beats-baselines");
        assertEquals(ReproductionReport.Status.NOT_REPRODUCED, v.status(), v.evidence());
        assertTrue(v.evidence().contains("Not the verdict: the same rule on the rows purified with SGD (lr 0.01, momentum 0.8;")
                && v.evidence().contains("holds; rule: per image task") && v.evidence().contains("RECIPE (SGD) ACC 90.0 MASR 22.0"),
                v.evidence());
        // a defended row's second floor: the clean model under the same defense and arguments, where the grid has it
        Files.writeString(grid, Files.readString(grid).replace("]}\n", """
                , {"name": "vit + RECIPE", "from": "vit", "defense": "recipe", "args": ["--aux-images", "cifar10"]}]}
                """));
        cell(out, "vit-recipe", "gtsrb", 1, 0.88, 0.28);
        ExperimentConfig cfg = ExperimentConfig.read(grid);
        Map<String, Double> sameDefense = new java.util.HashMap<>();
        for (ExperimentCommand.Outcome o : ExperimentCommand.outcomes(cfg, out)) {
            sameDefense.put(o.step().name(), o.floorMasrSameDefense());
        }
        assertEquals(0.28, sameDefense.get("NeuBA + RECIPE"), 1e-9);
        assertEquals(null, sameDefense.get("NeuBA + RECIPE (SGD)"), "other arguments: no clean counterpart");
        assertEquals(null, sameDefense.get("NeuBA + FP"), "no clean row under FP in this grid");
        assertEquals(null, sameDefense.get("vit + RECIPE"), "the clean row itself");

        // the ablation (appendix Table 5): rows of the same grid placed in that table too
        String ablation = Files.readString(grid).replace("\"tables\": [\"table12\"], \"attack\": \"NeuBA\", \"defense\": \"none\"",
                "\"tables\": [\"table12\", \"appendix-table5\"], \"attack\": \"NeuBA\", \"defense\": \"none\"")
                .replace("\"tables\": [\"table12\"], \"attack\": \"NeuBA\", \"defense\": \"RECIPE\"",
                        "\"tables\": [\"table12\", \"appendix-table5\"], \"attack\": \"NeuBA\", \"defense\": \"RECIPE\"")
                .replace("]}\n", """
                        , {"name": "NeuBA + only-pretrain", "from": "NeuBA", "defense": "only-pretrain",
                           "paper": {"tables": ["appendix-table5"], "attack": "NeuBA", "defense": "only-pretrain", "model": "ViT"}},
                          {"name": "NeuBA + only-regularisation", "from": "NeuBA", "defense": "only-regularisation",
                           "paper": {"tables": ["appendix-table5"], "attack": "NeuBA", "defense": "only-regularisation", "model": "ViT"}}]}
                        """);
        Files.writeString(grid, ablation);
        Files.writeString(paper, Files.readString(paper).replace("\"vit-recipe-beats-baselines\"", "\"vit-ablation\""));
        cell(out, "neuba-only-pretrain", "gtsrb", 1, 0.90, 0.95);          // 75 above the floor of 79: kept
        cell(out, "neuba-only-regularisation", "gtsrb", 1, 0.86, 0.25);    // ACC below RECIPE's 89
        v = ReproductionReport.read(paper, List.of(grid)).verdict("vit-ablation");
        assertEquals(ReproductionReport.Status.REPRODUCED, v.status(), v.evidence());
        cell(out, "neuba-only-pretrain", "gtsrb", 1, 0.90, 0.70);          // the pre-training loss alone removed most of it
        v = ReproductionReport.read(paper, List.of(grid)).verdict("vit-ablation");
        assertEquals(ReproductionReport.Status.NOT_REPRODUCED, v.status(), v.evidence());
        assertTrue(v.evidence().contains("only-pretrain ACC 90.0 MASR 70.0 (floor 20.0)"), v.evidence());
    }

    @Test
    void outOfDistributionAuxiliaryImagesAreJudgedPerFamilyAndTheSgdRowNeverDecides(@TempDir Path dir) throws Exception {
        Path paper = dir.resolve("paper.json");
        Files.writeString(paper, """
                {"tables": [{"id": "appendix-table3", "paper_label": "Appendix Table 3", "what": "ood", "rows": [
                   {"model": "VGG", "attack": "NeuBA", "defense": "RECIPE", "task": "GTSRB", "metric": "MASR", "value": 0.56,
                    "extra": {"aux_distribution": "out-of-distribution"}}]}],
                 "findings": [{"id": "vision-ood-aux-works", "text": "still effective"}]}
                """);
        String ood = "\"--aux-images\", \"gtsrb41\", \"--aux-split\", \"test\", \"--aux-labels\", \"self\"";
        Path grid = dir.resolve("grid.json");
        Files.writeString(grid, """
                {"name": "v", "work": "%1$s/work", "out": "%1$s/out", "reference": "vgg",
                 "evaluate": {"tasks": ["gtsrb"], "seeds": [1], "trainSize": 100, "testSize": 50}, "models": [
                  {"name": "vgg", "model": "%1$s/vgg", "paper": {"tables": ["appendix-table3"], "attack": "none", "defense": "clean", "model": "VGG"}},
                  {"name": "NeuBA", "from": "vgg", "attack": {"name": "neuba"}, "args": ["--images", "cifar10"],
                   "paper": {"tables": ["appendix-table3"], "attack": "NeuBA", "defense": "none", "model": "VGG"}},
                  {"name": "NeuBA + RECIPE (ood)", "from": "NeuBA", "defense": "recipe", "args": [%2$s],
                   "paper": {"tables": ["appendix-table3"], "attack": "NeuBA", "defense": "RECIPE (aux_distribution=out-of-distribution)", "model": "VGG"}},
                  {"name": "NeuBA + RECIPE (SGD) (ood)", "from": "NeuBA", "defense": "recipe",
                   "args": [%2$s, "--lr", "0.01", "--optimizer", "sgd", "--momentum", "0.9"],
                   "paper": {"tables": ["appendix-table3"], "attack": "NeuBA", "defense": "RECIPE (SGD, aux_distribution=out-of-distribution)", "model": "VGG"}}]}
                """.formatted(dir, ood));
        Path out = dir.resolve("out");
        cell(out, "vgg", "gtsrb", 1, 0.99, 0.02);                // floor 2
        cell(out, "neuba", "gtsrb", 1, 0.99, 0.81);
        cell(out, "neuba-recipe-ood", "gtsrb", 1, 0.50, 1.00);   // the declared AdamW row kills the model
        cell(out, "neuba-recipe-sgd-ood", "gtsrb", 1, 0.97, 0.10); // floor + 8, ACC -2
        ReproductionReport r = ReproductionReport.read(paper, List.of(grid));
        ReproductionReport.Verdict v = r.verdict("vision-ood-aux-works");
        assertEquals(ReproductionReport.Status.NOT_REPRODUCED, v.status(), v.evidence());
        assertTrue(v.evidence().contains("fails: NeuBA (VGG)/GTSRB: ACC 50.0 MASR 100.0 (floor 2.0)"), v.evidence());
        assertTrue(v.evidence().contains("Not the verdict: the same rule on the rows purified with SGD (lr 0.01, momentum 0.9;")
                && v.evidence().contains("holds; rule: per vision model and image task, MASR after RECIPE (SGD, "
                + "aux_distribution=out-of-distribution) ≤ floor + 15"), v.evidence());
        assertTrue(r.markdown().contains("| NeuBA (VGG) | RECIPE (aux_distribution=out-of-distribution) | GTSRB | 0.56 / 100.0 | 1 |"),
                r.markdown());
        cell(out, "neuba-recipe-ood", "gtsrb", 1, 0.97, 0.16);   // floor + 14, ACC -2: holds
        v = ReproductionReport.read(paper, List.of(grid)).verdict("vision-ood-aux-works");
        assertEquals(ReproductionReport.Status.REPRODUCED, v.status(), v.evidence());
        cell(out, "neuba-recipe-ood", "gtsrb", 1, 0.95, 0.10);   // ACC -4
        v = ReproductionReport.read(paper, List.of(grid)).verdict("vision-ood-aux-works");
        assertEquals(ReproductionReport.Status.NOT_REPRODUCED, v.status(), v.evidence());
    }

    @Test
    void vggRowsAreJudgedByTheViTRuleAndTheAdaptiveVggAttackByItsOwn(@TempDir Path dir) throws Exception {
        Path paper = dir.resolve("paper.json");
        Files.writeString(paper, """
                {"tables": [{"id": "table12", "paper_label": "Table 12", "what": "vision", "rows": [
                   {"model": "VGG", "attack": "NeuBA", "defense": "RECIPE", "task": "GTSRB", "metric": "MASR", "value": 3.33, "extra": {}},
                   {"model": "ViT", "attack": "NeuBA", "defense": "RECIPE", "task": "GTSRB", "metric": "MASR", "value": 20.72, "extra": {}}]},
                  {"id": "appendix-table4", "paper_label": "Appendix Table 4", "what": "adaptive", "rows": [
                   {"model": "VGG", "attack": "NeuBA", "defense": "RECIPE", "task": "GTSRB", "metric": "MASR", "value": 3.61,
                    "extra": {"adaptive": true, "attack_lambda": 0.01}}]}],
                 "findings": [{"id": "vgg-recipe-beats-baselines", "text": "VGG"}, {"id": "vgg-adaptive-still-removed", "text": "adaptive"}]}
                """);
        StringBuilder models = new StringBuilder("""
                {"name": "vgg", "model": "%1$s/vgg", "paper": {"tables": ["table12"], "attack": "none", "defense": "clean", "model": "VGG"}},
                {"name": "NeuBA", "from": "vgg", "attack": {"name": "neuba"}, "args": ["--images", "cifar10"],
                 "paper": {"tables": ["table12"], "attack": "NeuBA", "defense": "none", "model": "VGG"}},
                {"name": "adaptive NeuBA", "from": "vgg", "attack": {"name": "adaptive", "lambda": 0.01, "attack": {"name": "neuba"}},
                 "args": ["--images", "cifar10"], "paper": {"tables": ["appendix-table4"], "attack": "NeuBA", "defense": "none", "model": "VGG"}},
                {"name": "adaptive NeuBA + RECIPE", "from": "adaptive NeuBA", "defense": "recipe", "args": ["--aux-images", "cifar10"],
                 "paper": {"tables": ["appendix-table4"], "attack": "NeuBA", "defense": "RECIPE", "model": "VGG"}}""".formatted(dir));
        for (String d : List.of("RECIPE", "FP", "FP-GM", "FP-GA")) {
            models.append(",\n").append("""
                    {"name": "NeuBA + %1$s", "from": "NeuBA", "defense": "%2$s", "args": ["--aux-images", "cifar10"],
                     "paper": {"tables": ["table12"], "attack": "NeuBA", "defense": "%1$s", "model": "VGG"}}"""
                    .formatted(d, d.equals("RECIPE") ? "recipe" : d.toLowerCase(java.util.Locale.ROOT) + "-vgg"));
        }
        Path grid = dir.resolve("grid.json");
        Files.writeString(grid, """
                {"name": "v", "work": "%1$s/work", "out": "%1$s/out", "reference": "vgg",
                 "evaluate": {"tasks": ["gtsrb"], "seeds": [1], "trainSize": 100, "testSize": 50}, "models": [%2$s]}
                """.formatted(dir, models));
        Path out = dir.resolve("out");
        cell(out, "vgg", "gtsrb", 1, 0.90, 0.20);             // floor 20
        cell(out, "neuba", "gtsrb", 1, 0.91, 0.99);
        cell(out, "neuba-recipe", "gtsrb", 1, 0.89, 0.30);
        cell(out, "neuba-fp", "gtsrb", 1, 0.91, 0.99);
        cell(out, "neuba-fp-gm", "gtsrb", 1, 0.90, 0.60);
        cell(out, "neuba-fp-ga", "gtsrb", 1, 0.88, 0.35);
        cell(out, "adaptive-neuba", "gtsrb", 1, 0.90, 0.97);  // 77 above the floor
        cell(out, "adaptive-neuba-recipe", "gtsrb", 1, 0.88, 0.33);   // floor + 13 = 17 % of 77, ACC −2
        ReproductionReport r = ReproductionReport.read(paper, List.of(grid));
        ReproductionReport.Verdict v = r.verdict("vgg-recipe-beats-baselines");
        assertEquals(ReproductionReport.Status.REPRODUCED, v.status(), v.evidence());
        assertTrue(v.evidence().contains("clean VGG's floor"), v.evidence());
        v = r.verdict("vgg-adaptive-still-removed");
        assertEquals(ReproductionReport.Status.REPRODUCED, v.status(), v.evidence());
        String md = r.markdown();
        assertTrue(md.contains("| NeuBA (VGG) | RECIPE | GTSRB | 3.33 / 30.0 | 1 |"), md);
        assertTrue(md.contains("| NeuBA (ViT) | RECIPE | GTSRB | 20.72 / — | — |"), md);
        cell(out, "adaptive-neuba-recipe", "gtsrb", 1, 0.88, 0.40);   // floor + 20: not removed
        v = ReproductionReport.read(paper, List.of(grid)).verdict("vgg-adaptive-still-removed");
        assertEquals(ReproductionReport.Status.NOT_REPRODUCED, v.status(), v.evidence());
        cell(out, "neuba-fp-gm", "gtsrb", 1, 0.90, 0.28);     // a pruning baseline below RECIPE's MASR
        v = ReproductionReport.read(paper, List.of(grid)).verdict("vgg-recipe-beats-baselines");
        assertEquals(ReproductionReport.Status.NOT_REPRODUCED, v.status(), v.evidence());
    }

    private static String model(String name, String from, String tables, String attack, String defense) {
        return """
                {"name": "%s", "from": "%s", "defense": "recipe", "paper": {"tables": [%s], "attack": "%s", "defense": "%s"}}"""
                .formatted(name, from, tables, attack, defense);
    }

    @Test
    void sweepsDataSizesAndDynamicsAreJudgedOnTheirCurves(@TempDir Path dir) throws Exception {
        Path paper = dir.resolve("paper.json");
        Files.writeString(paper, PAPER);
        String models = String.join(",\n", List.of(
                "{\"name\": \"clean\", \"model\": \"x\", \"paper\": {\"tables\": [\"table2\"], \"attack\": \"none\", \"defense\": \"clean\"}}",
                "{\"name\": \"BadPre\", \"from\": \"clean\", \"attack\": {\"name\": \"badpre\"}, \"corpus\": [\"c\"], "
                        + "\"paper\": {\"tables\": [\"table1\"], \"attack\": \"BadPre\", \"defense\": \"none\"}}",
                model("r1", "BadPre", "\"table4\", \"table9\", \"table11\"", "BadPre", "RECIPE"),
                model("r01", "BadPre", "\"table9\"", "BadPre", "RECIPE (lambda=0.1)"),
                model("r05", "BadPre", "\"table9\"", "BadPre", "RECIPE (lambda=0.5)"),
                model("r15", "BadPre", "\"table9\"", "BadPre", "RECIPE (lambda=1.5)"),
                model("a10", "BadPre", "\"table4\"", "BadPre", "RECIPE (aux_samples=10)"),
                model("a50", "BadPre", "\"table4\"", "BadPre", "RECIPE (aux_samples=50)"),
                "{\"name\": \"clip\", \"from\": \"BadPre\", \"defense\": \"clip-extreme\", "
                        + "\"paper\": {\"tables\": [\"table11\"], \"attack\": \"BadPre\", \"defense\": \"clip-extreme\"}}",
                // Figure 3 is BadPre's purification, as in the paper
                model("e1", "BadPre", "\"figure3\"", "BadPre", "RECIPE (epoch=1)"),
                model("e2", "BadPre", "\"figure3\"", "BadPre", "RECIPE (epoch=2)"),
                model("e8", "BadPre", "\"figure3\"", "BadPre", "RECIPE (epoch=8)")));
        Path grid = dir.resolve("grid.json");
        Files.writeString(grid, """
                {"name": "g", "work": "%1$s/work", "out": "%1$s/out", "reference": "clean",
                 "evaluate": {"tasks": ["sst2"], "seeds": [1], "trainSize": 100, "testSize": 50},
                 "models": [%2$s]}
                """.formatted(dir, models));
        Path out = dir.resolve("out");
        cell(out, "clean", 1, 0.70, 0.40);      // floor 40
        cell(out, "badpre", 1, 0.69, 0.99);
        cell(out, "r1", 1, 0.68, 0.45);         // λ = 1
        cell(out, "r01", 1, 0.69, 0.90);        // λ = 0.1: backdoor left (45 points above λ = 1)
        cell(out, "r05", 1, 0.685, 0.60);
        cell(out, "r15", 1, 0.62, 0.41);        // λ = 1.5: 6 points of ACC lost
        cell(out, "a10", 1, 0.66, 0.50);        // fewer texts, less ACC
        cell(out, "a50", 1, 0.67, 0.52);        // MASR 12 above the floor: <= 15
        cell(out, "clip", 1, 0.60, 0.97);       // clipping leaves the backdoor and costs more ACC than RECIPE
        cell(out, "e1", 1, 0.69, 0.95);         // 55 of BadPre's 59 points above the floor left after epoch 1: gradual
        cell(out, "e2", 1, 0.68, 0.80);
        cell(out, "e8", 1, 0.67, 0.48);         // 8 above the floor at the end; ACC range 2 points
        ReproductionReport r = ReproductionReport.read(paper, List.of(grid));
        for (String id : List.of("lambda-sweep", "lambda-acc-monotone-sst2", "fewer-aux-samples-cost-a-little-accuracy",
                "purification-dynamics", "clipping-extreme-parameters-fails")) {
            ReproductionReport.Verdict v = r.verdict(id);
            assertEquals(ReproductionReport.Status.REPRODUCED, v.status(), id + ": " + v.evidence());
        }
        assertTrue(r.verdict("lambda-acc-monotone-sst2").evidence().contains("λ=0.1 69.0, λ=0.5 68.5, λ=1.0 68.0, λ=1.5 62.0"),
                r.verdict("lambda-acc-monotone-sst2").evidence());
        assertEquals(ReproductionReport.Status.NOT_RUN, r.verdict("aux-1000-suffices").status());

        // the same curves, each broken in one place
        cell(out, "r05", 1, 0.705, 0.60);       // ACC rises 1.5 points from λ = 0.1 to 0.5
        cell(out, "a10", 1, 0.69, 0.50);        // 10 texts as good as all
        cell(out, "e1", 1, 0.69, 0.50);         // removed at once, not gradually
        r = ReproductionReport.read(paper, List.of(grid));
        for (String id : List.of("lambda-acc-monotone-sst2", "fewer-aux-samples-cost-a-little-accuracy", "purification-dynamics")) {
            ReproductionReport.Verdict v = r.verdict(id);
            assertEquals(ReproductionReport.Status.NOT_REPRODUCED, v.status(), id + ": " + v.evidence());
        }
        assertEquals(ReproductionReport.Status.REPRODUCED, r.verdict("lambda-sweep").status());

        // a fall of 7 points over the sweep (69 -> 62) against λ = 1 measured on 3 seeds: 68, 60, 76 (std 8)
        cell(out, "r05", 1, 0.685, 0.60);
        cell(out, "r1", 2, 0.60, 0.45);
        cell(out, "r1", 3, 0.76, 0.45);
        ReproductionReport.Verdict v = ReproductionReport.read(paper, List.of(grid)).verdict("lambda-acc-monotone-sst2");
        assertEquals(ReproductionReport.Status.WITHIN_NOISE, v.status(), v.evidence());
        assertTrue(v.evidence().contains("λ=1.0 68.0 ± 8.0") && v.evidence().contains("7.0 points, is smaller than the largest "
                + "seed std of a row, 8.0"), v.evidence());
        cell(out, "r1", 2, 0.67, 0.45);         // 68, 67, 69: std 1
        cell(out, "r1", 3, 0.69, 0.45);
        v = ReproductionReport.read(paper, List.of(grid)).verdict("lambda-acc-monotone-sst2");
        assertEquals(ReproductionReport.Status.REPRODUCED, v.status(), v.evidence());
    }

    /** Table 2's clean-model purification is judged on every family's clean model ("none (RoBERTa)" too). */
    @Test
    void cleanModelPurificationCountsEveryFamily(@TempDir Path dir) throws Exception {
        Path paper = dir.resolve("paper.json");
        Files.writeString(paper, PAPER);
        Path grid = dir.resolve("grid.json");
        Files.writeString(grid, """
                {"name": "g", "work": "%1$s/work", "out": "%1$s/out", "reference": "rclean",
                 "evaluate": {"tasks": ["sst2"], "seeds": [1], "trainSize": 100, "testSize": 50},
                 "models": [
                   {"name": "rclean", "model": "x", "paper": {"tables": ["table2"], "attack": "none", "defense": "clean", "model": "RoBERTa"}},
                   {"name": "rclean + RECIPE", "from": "rclean", "defense": "recipe",
                    "paper": {"tables": ["table2"], "attack": "none", "defense": "RECIPE", "model": "RoBERTa"}}]}
                """.formatted(dir));
        Path out = dir.resolve("out");
        cell(out, "rclean", 1, 0.70, 0.40);
        cell(out, "rclean-recipe", 1, 0.69, 0.41);
        ReproductionReport.Verdict v = ReproductionReport.read(paper, List.of(grid)).verdict("clean-model-purification-keeps-acc");
        assertEquals(ReproductionReport.Status.REPRODUCED, v.status(), v.evidence());
        assertTrue(v.evidence().contains("none (RoBERTa)/SST-2"), v.evidence());
        cell(out, "rclean-recipe", 1, 0.66, 0.41);   // 4 points of ACC lost
        v = ReproductionReport.read(paper, List.of(grid)).verdict("clean-model-purification-keeps-acc");
        assertEquals(ReproductionReport.Status.NOT_REPRODUCED, v.status(), v.evidence());
    }
}
