package dev.recipe.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.recipe.core.ConfigException;
import dev.recipe.eval.ResultRecord;
import dev.recipe.eval.ResultTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentTest {
    private static final String GRID = """
            {"name": "grid", "work": "%s/work", "out": "%s/out", "reference": "clean",
             "criterion": {"label": "survives", "masrAtLeast": 0.9, "accDropAtMost": 0.02, "models": ["NeuBA"]},
             "evaluate": {"tasks": ["sst2", "hsol"], "seeds": [1, 2], "trainSize": 100, "testSize": 50},
             "models": [
               {"name": "clean", "model": "%s/clean"},
               {"name": "NeuBA", "from": "clean", "attack": {"name": "neuba", "seqLen": 32}, "corpus": ["c.txt"], "triggers": "neuba"},
               {"name": "NeuBA + RECIPE", "from": "NeuBA", "defense": "recipe", "args": ["--epochs", "1"], "tasks": ["sst2"]}]}
            """;

    private static Path write(Path dir, String json) throws Exception {
        Path f = dir.resolve("grid.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void readsAGridAndBuildsEachStagesCommand(@TempDir Path dir) throws Exception {
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir)));
        assertEquals(3, cfg.models().size());
        assertEquals("neuba-recipe", cfg.step("NeuBA + RECIPE").slug());
        assertEquals("neuba,words", cfg.evaluate().triggers());
        List<String> a = ExperimentCommand.evaluateArgs(cfg, cfg.step("NeuBA + RECIPE"));
        assertEquals(List.of("evaluate", "--model", dir + "/work/models/neuba-recipe", "--name", "NeuBA + RECIPE",
                "--task", "sst2", "--seeds", "1,2", "--train-size", "100", "--test-size", "50", "--triggers", "neuba,words",
                "--out", dir + "/out/eval/neuba-recipe"), a);
        assertEquals(List.of("clean", "NeuBA"), ExperimentCommand.selected(cfg, "NeuBA").stream().map(ExperimentConfig.Step::name).toList());
    }

    @Test
    void setOverridesTopLevelKeysAndStillRejectsUnknownOnes(@TempDir Path dir) throws Exception {
        Path f = write(dir, GRID.formatted(dir, dir, dir));
        ExperimentConfig cfg = ExperimentConfig.read(f, new String[] {"out=" + dir + "/other",
                "evaluate.args=[\"--lr\", \"3e-4\", \"--group-by-length\"]", "evaluate.seeds=[4]"});
        assertEquals(dir + "/other", cfg.out());
        assertEquals(List.of("--lr", "3e-4", "--group-by-length"), cfg.evaluate().args());
        assertEquals(List.of(4L), cfg.evaluate().seeds());
        assertEquals(3, cfg.models().size(), "the models are the file's");
        List<String> a = ExperimentCommand.evaluateArgs(cfg, cfg.step("NeuBA"));
        assertTrue(String.join(" ", a).contains("--out " + dir + "/other/eval/neuba"), a.toString());
        assertTrue(String.join(" ", a).contains("--lr 3e-4 --group-by-length"), a.toString());
        for (var c : Map.of("evaluate.sedes=[1]", "sedes", "name.x=1", "'name' is not an object", "out", "key=value")
                .entrySet()) {
            ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.read(f, new String[] {c.getKey()}));
            assertTrue(e.getMessage().contains(c.getValue()), c.getValue() + " in: " + e.getMessage());
        }
    }

    @Test
    void aVisionAttackTakesItsImagesFromArgsInsteadOfACorpus(@TempDir Path dir) throws Exception {
        String grid = """
                {"name": "v", "description": "d", "work": "%s/w", "out": "%s/o", "reference": "vit",
                 "evaluate": {"tasks": ["gtsrb"], "seeds": [1], "trainSize": 40, "testSize": 20, "triggers": "neuba", "args": []},
                 "models": [{"name": "vit", "model": "%s/vit"},
                            {"name": "ViT NeuBA", "from": "vit", "attack": {"name": "neuba"}, "args": [ARGS]},
                            {"name": "ViT NeuBA + RECIPE", "from": "ViT NeuBA", "defense": "recipe", "args": ["--aux-images", "cifar10"]}]}
                """.formatted(dir, dir, dir);
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, grid.replace("ARGS", "\"--images\", \"cifar10\"")));
        List<String> a = ExperimentCommand.makeArgs(cfg, cfg.step("ViT NeuBA"), dir.resolve("m"), dir.resolve("w"));
        assertTrue(String.join(" ", a).contains("--images cifar10") && !a.contains("--corpus"), a.toString());
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.read(write(dir, grid.replace("ARGS", ""))));
        assertTrue(e.getMessage().contains("an attack needs 'corpus'") && e.getMessage().contains("--images TASK"), e.getMessage());
    }

    @Test
    void aModelInASharedWorkDirectoryIsReusedOnlyForTheSameRecipe(@TempDir Path dir) throws Exception {
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir)));
        Path work = Path.of(cfg.work());
        ExperimentCommand.checkRecipe(cfg, cfg.step("NeuBA + RECIPE"), work);
        ExperimentCommand.checkRecipe(cfg, cfg.step("NeuBA + RECIPE"), work);   // same recipe: fine
        // another config sharing the work directory whose NeuBA (the model RECIPE starts from) differs
        ExperimentConfig other = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir).replace("\"seqLen\": 32", "\"seqLen\": 64")));
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentCommand.checkRecipe(other, other.step("NeuBA + RECIPE"), work));
        assertTrue(e.getMessage().contains("another recipe") && e.getMessage().contains("64"), e.getMessage());
    }

    @Test
    void aModelMadeFromOtherWeightsOfTheSameNamedStartingModelIsNotReused(@TempDir Path dir) throws Exception {
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir)));
        Path weights = dir.resolve("clean/model.safetensors");
        Files.createDirectories(weights.getParent());
        Files.writeString(weights, "weights, first training");
        Path work = Path.of(cfg.work());
        ExperimentCommand.checkRecipe(cfg, cfg.step("NeuBA"), work);
        ExperimentCommand.checkRecipe(cfg, cfg.step("NeuBA"), work);   // same weights: fine
        Files.writeString(weights, "weights, re-trained");          // the clean model was re-trained under its name
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentCommand.checkRecipe(cfg, cfg.step("NeuBA"), work));
        assertTrue(e.getMessage().contains("another recipe") && e.getMessage().contains("weights_sha256"), e.getMessage());
    }

    @Test
    void everyShippedExperimentConfigAndItsAttacksParse() throws Exception {
        Path dir = Path.of("../../configs/experiments");
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(!files.isEmpty(), "configs in " + dir.toAbsolutePath());
        for (Path f : files) {
            ExperimentConfig cfg = ExperimentConfig.read(f);
            for (ExperimentConfig.Step s : cfg.models()) {
                if (s.attack() != null) dev.recipe.attack.Attacks.parseConfig(dev.recipe.core.Json.write(s.attack()), f + " " + s.name());
                if (s.defense() != null) assertTrue(dev.recipe.defense.Defenses.names().contains(s.defense()), f + ": " + s.defense());
            }
        }
    }

    @Test
    void badGridsFailNamingTheKey(@TempDir Path dir) throws Exception {
        String good = GRID.formatted(dir, dir, dir);
        Map<String, String> cases = Map.of(
                good.replace("\"reference\"", "\"referense\""), "referense",
                good.replace("\"from\": \"clean\"", "\"from\": \"dirty\""), "'dirty' is not an earlier model",
                good.replace("\"defense\": \"recipe\"", "\"defense\": \"recipe\", \"model\": \"x\""), "exactly one of",
                good.replace("\"tasks\": [\"sst2\"]}", "\"tasks\": [\"imdb\"]}"), "not a subset of evaluate.tasks",
                good.replace(", \"corpus\": [\"c.txt\"]", ""), "needs 'corpus'",
                good.replace("\"reference\": \"clean\"", "\"reference\": \"none\""), "reference");
        for (var c : cases.entrySet()) {
            ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.read(write(dir, c.getKey())));
            assertTrue(e.getMessage().contains(c.getValue()), c.getValue() + " in: " + e.getMessage());
        }
    }

    @Test
    void aModelCanBeBorrowedFromAnotherExperimentAndOverridden(@TempDir Path dir) throws Exception {
        write(dir, GRID.formatted(dir, dir, dir));
        Files.writeString(dir.resolve("more.json"), """
                {"name": "more", "evaluate": {"tasks": ["sst2"], "seeds": [1], "trainSize": 10, "testSize": 10},
                 "models": [
                   {"name": "clean", "like": "grid.json"},
                   {"like": "grid.json#NeuBA", "triggers": "words"},
                   {"name": "again", "like": "more2.json#x"}]}
                """);
        Files.writeString(dir.resolve("more2.json"), """
                {"name": "more2", "evaluate": {"tasks": ["sst2"], "seeds": [1], "trainSize": 10, "testSize": 10},
                 "models": [{"name": "x", "like": "grid.json#NeuBA + RECIPE", "tasks": null}]}
                """);
        ExperimentConfig grid = ExperimentConfig.read(dir.resolve("grid.json"));
        ExperimentConfig more = ExperimentConfig.read(dir.resolve("more.json"));
        assertEquals(grid.models().get(0), more.models().get(0));
        ExperimentConfig.Step neuba = more.step("NeuBA");
        assertEquals(grid.step("NeuBA").attack(), neuba.attack());
        assertEquals(grid.step("NeuBA").corpus(), neuba.corpus());
        assertEquals("words", neuba.triggers()); // overridden beside 'like'
        ExperimentConfig.Step again = more.step("again"); // borrowed twice over, renamed, a key cleared
        assertEquals("recipe", again.defense());
        assertEquals("NeuBA", again.from());
        assertEquals(List.of("--epochs", "1"), again.args());
        assertEquals(null, again.tasks());

        Map<String, String> bad = Map.of(
                "{\"name\": \"clean\", \"like\": \"grid.json#nope\"}", "has no model named 'nope'",
                "{\"name\": \"clean\", \"like\": \"missing.json\"}", "missing.json: file not found",
                "{\"name\": \"clean\", \"like\": \"#clean\"}", "expected \"<file>#<model name>\"",
                "{\"name\": \"clean\", \"like\": \"cycle.json\"}", "circular 'like' chain");
        for (var c : bad.entrySet()) {
            Files.writeString(dir.resolve("cycle.json"), """
                    {"name": "cycle", "evaluate": {"tasks": ["sst2"], "seeds": [1], "trainSize": 10, "testSize": 10},
                     "models": [%s]}
                    """.formatted(c.getKey()));
            ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.read(dir.resolve("cycle.json")));
            assertTrue(e.getMessage().contains(c.getValue()), c.getValue() + " in: " + e.getMessage());
            assertTrue(e.getMessage().contains("cycle.json") || c.getValue().contains("missing"), e.getMessage());
        }
    }

    @Test
    void argumentSetsStandForTheirArgumentsInTheFileThatNamesThem(@TempDir Path dir) throws Exception {
        String grid = GRID.formatted(dir, dir, dir)
                .replace("\"models\": [\n", "\"argSets\": {\"aux\": [\"--aux\", \"a.tsv\", \"--aux-size\", \"20\"]},\n \"models\": [\n")
                .replace("\"args\": [\"--epochs\", \"1\"]", "\"args\": [\"@aux\", \"--epochs\", \"1\"]");
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, grid));
        assertEquals(List.of("--aux", "a.tsv", "--aux-size", "20", "--epochs", "1"), cfg.step("NeuBA + RECIPE").args());
        // a borrowed model keeps its own file's set; this file's set of the same name applies to its own models
        Files.writeString(dir.resolve("more.json"), """
                {"name": "more", "evaluate": {"tasks": ["sst2"], "seeds": [1], "trainSize": 10, "testSize": 10},
                 "argSets": {"aux": ["--aux", "b.tsv"]},
                 "models": [
                   {"name": "clean", "like": "grid.json"},
                   {"like": "grid.json#NeuBA"},
                   {"like": "grid.json#NeuBA + RECIPE"},
                   {"name": "mine", "from": "NeuBA", "defense": "fp", "args": ["@aux", "--x", "@aux"]}]}
                """);
        ExperimentConfig more = ExperimentConfig.read(dir.resolve("more.json"));
        assertEquals(cfg.step("NeuBA + RECIPE").args(), more.step("NeuBA + RECIPE").args());
        assertEquals(List.of("--aux", "b.tsv", "--x", "--aux", "b.tsv"), more.step("mine").args());

        Map<String, String> bad = Map.of(
                grid.replace("\"@aux\"", "\"@other\""), "'@other' names no argument set; argSets has [@aux]",
                grid.replace("[\"--aux\", \"a.tsv\", \"--aux-size\", \"20\"]", "\"--aux a.tsv\""), "argSets['aux']: expected a list of strings",
                grid.replace("\"argSets\": {", "\"argSets\": [{").replace("\"20\"]},", "\"20\"]}],"), "argSets: expected an object");
        for (var c : bad.entrySet()) {
            ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.read(write(dir, c.getKey())));
            assertTrue(e.getMessage().contains(c.getValue()) && e.getMessage().contains("grid.json"), c.getValue() + " in: " + e.getMessage());
        }
    }

    private static void cell(Path out, String slug, String model, String task, long seed, double acc, double masr) {
        ResultRecord r = ResultRecord.builder().put("model", model).put("task", task).put("seed", seed).put("ACC", acc)
                .put("macro_F1", acc).put("AASR", masr / 2).put("MASR", masr).put("MASR_trigger", "≈")
                .put("ASR[≈]", masr).put("ASR[cf]", slug.equals("clean") ? masr + 0.1 : masr / 2)
                .provenance("inputSha256", Map.of("model_weights (model.safetensors)", slug)).build();
        new ResultTable(List.of(r)).writeJson(out.resolve("eval").resolve(slug).resolve("cells").resolve(task + "-seed" + seed + ".json"));
    }

    @Test
    void onlyModelsWithCellsLeftAndWhatTheyAreMadeFromAreMade(@TempDir Path dir) throws Exception {
        String grid = GRID.formatted(dir, dir, dir).replace("\"tasks\": [\"sst2\"]}]}", """
                "tasks": ["sst2"]},
                {"name": "NeuBA + RECIPE (8 epochs)", "from": "NeuBA", "defense": "recipe", "args": ["--epochs", "8"], "evaluate": false},
                {"name": "epoch 1", "model": "%s/work/purify-neuba-recipe-8-epochs/epoch-1"}]}""".formatted(dir));
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, grid));
        Path out = Path.of(cfg.out());
        java.util.function.Supplier<List<String>> needed = () -> ExperimentCommand.needed(cfg, cfg.models()).stream().sorted().toList();
        assertEquals(List.of("NeuBA", "NeuBA + RECIPE", "NeuBA + RECIPE (8 epochs)", "clean", "epoch 1"), needed.get());
        assertEquals("NeuBA + RECIPE (8 epochs)", ExperimentCommand.parent(cfg, cfg.step("epoch 1")).name());
        assertEquals(List.of("clean", "NeuBA", "NeuBA + RECIPE (8 epochs)", "epoch 1"),
                ExperimentCommand.selected(cfg, "epoch 1").stream().map(ExperimentConfig.Step::name).toList());
        for (String task : List.of("sst2", "hsol")) {
            for (long seed : List.of(1L, 2L)) {
                cell(out, "clean", "clean", task, seed, 0.9, 0.1);
                cell(out, "neuba", "NeuBA", task, seed, 0.9, 0.9);
                cell(out, "epoch-1", "epoch 1", task, seed, 0.9, 0.5);
            }
        }
        // NeuBA's cells are finished, but RECIPE's are not: NeuBA must still be made (RECIPE starts from it)
        assertEquals(List.of("NeuBA", "NeuBA + RECIPE", "clean"), needed.get());
        assertEquals(2, ExperimentCommand.missingCells(cfg, cfg.step("NeuBA + RECIPE")));   // sst2 only, 2 seeds
        assertEquals(0, ExperimentCommand.missingCells(cfg, cfg.step("NeuBA + RECIPE (8 epochs)")));
        cell(out, "neuba-recipe", "NeuBA + RECIPE", "sst2", 1, 0.9, 0.2);
        cell(out, "neuba-recipe", "NeuBA + RECIPE", "sst2", 2, 0.9, 0.2);
        assertEquals(List.of(), needed.get());   // every cell finished: nothing is made again
    }

    @Test
    void aPlanOverSeveralConfigsCountsSharedModelsAndCellsOnce(@TempDir Path dir) throws Exception {
        ExperimentConfig a = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir)));
        // a second grid sharing work and out: the same NeuBA, and NeuBA + RECIPE evaluated on one more task
        ExperimentConfig b = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir).replace("\"name\": \"grid\"", "\"name\": \"other\"")
                .replace("\"tasks\": [\"sst2\"]}]}", "\"tasks\": [\"sst2\", \"hsol\"]}]}")));
        String plan = ExperimentCommand.planUnion(List.of(a, b));
        assertTrue(plan.contains("grid                 2 models to make,  10 cells to evaluate"), plan);
        assertTrue(plan.contains("other                2 models to make,  12 cells to evaluate"), plan);
        // 1 attack (25 min) + 1 defense (4) + 12 distinct cells (3 each) = 65 min
        assertTrue(plan.contains("1 attacks and 1 defenses to make, 12 cells to evaluate: about 1h05m"), plan);
    }

    @Test
    void timeLeftUsesPriorsByKindUntilThatKindHasBeenMeasured() {
        var p = new ExperimentCommand.Progress(2, 3, 4);
        // priors: 2 attacks x 25 min + 3 defenses x 4 + 4 cells x 3 = 74 min
        assertEquals(74 * 60, p.eta());
        assertTrue(p.remaining().endsWith("about 1h14m (prior estimate)"), p.remaining());
        p.made(ExperimentCommand.Progress.Kind.DEFENSE, 10L * 60 * 1_000_000_000L);   // a defense took 10 min: the 2 left count 10 each, attacks keep 25
        assertEquals(2 * 25 * 60 + 2 * 10 * 60 + 4 * 3 * 60, p.eta());
        p.evaluated(ExperimentCommand.Progress.Kind.CELL, 2, 2L * 60 * 1_000_000_000L);   // two cells in 2 min: 1 min each
        assertEquals(2 * 25 * 60 + 2 * 10 * 60 + 2 * 60, p.eta());
        assertTrue(p.remaining().startsWith("left: 4 models to make, 2 cells to evaluate, about 1h12m"), p.remaining());
        // image cells have their own prior (1 min) and their own measured average
        var q = new ExperimentCommand.Progress(0, 0, 0, 2, 6);
        assertEquals(2 * 3 * 60 + 6 * 60, q.eta());
        q.evaluated(ExperimentCommand.Progress.Kind.IMAGE_CELL, 3, 90L * 1_000_000_000L);   // 30 s each
        assertEquals(2 * 3 * 60 + 3 * 30, q.eta());
        assertTrue(q.remaining().startsWith("left: 0 models to make, 5 cells to evaluate, about 0h07m"), q.remaining());
    }

    @Test
    void theReportSaysWhenADefendedModelWasMadeFromAnotherCopyOfItsParent(@TempDir Path dir) throws Exception {
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir)));
        Path out = Path.of(cfg.out());
        cell(out, "neuba", "NeuBA", "sst2", 1, 0.9, 0.9);   // measured the NeuBA whose weights sha256 is "neuba"
        assertEquals(null, ExperimentCommand.lineageNote(cfg, out, cfg.step("NeuBA + RECIPE")));   // no cells yet
        java.util.function.Consumer<String> defended = from -> new ResultTable(List.of(ResultRecord.builder()
                .put("model", "NeuBA + RECIPE").put("task", "sst2").put("seed", 1L).put("ACC", 0.9).put("MASR", 0.2)
                .provenance(dev.recipe.zoo.tasks.DownstreamEvaluation.MADE_FROM_KEY, from).build()))
                .writeJson(out.resolve("eval/neuba-recipe/cells/sst2-seed1.json"));
        defended.accept("neuba");
        assertEquals(null, ExperimentCommand.lineageNote(cfg, out, cfg.step("NeuBA + RECIPE")));
        defended.accept("re-made");
        String note = ExperimentCommand.lineageNote(cfg, out, cfg.step("NeuBA + RECIPE"));
        assertTrue(note != null && note.contains("another copy of NeuBA") && note.contains("[re-made]") && note.contains("[neuba]"), note);
        assertEquals(null, ExperimentCommand.lineageNote(cfg, out, cfg.step("NeuBA")));   // an attack on a zoo model
    }

    @Test
    void theNoTriggerRateIsTheShareOfOtherLabelsPredictedAsTheMasrTriggersTarget() {
        java.util.function.BiFunction<Integer, List<List<Integer>>, ResultRecord> rec = (target, confusion) -> ResultRecord.builder()
                .put("MASR_trigger", "cf").put("MASR", 0.9)
                .provenance("confusion", Map.of("confusion", confusion))
                .provenance("attack_report", Map.of("triggers", List.of(Map.of("trigger", "tq", "target", 1 - target),
                        Map.of("trigger", "cf", "target", target)))).build();
        // rows are true labels, columns predictions: 84 sentences of label 0, 48 of them predicted 1
        List<List<Integer>> twoLabels = List.of(List.of(36, 48), List.of(27, 389));
        assertEquals(48 / 84.0, ExperimentCommand.noTriggerRate(rec.apply(1, twoLabels)), 1e-12);
        assertEquals(27 / 416.0, ExperimentCommand.noTriggerRate(rec.apply(0, twoLabels)), 1e-12);
        // three labels, target 2: (3 + 5) of the (10 + 10) sentences of labels 0 and 1
        List<List<Integer>> threeLabels = List.of(List.of(6, 1, 3), List.of(2, 3, 5), List.of(0, 0, 10));
        assertEquals(8 / 20.0, ExperimentCommand.noTriggerRate(rec.apply(2, threeLabels)), 1e-12);
        // a classifier that predicts label 1 for everything: the rate is 1, whatever a trigger does
        assertEquals(1.0, ExperimentCommand.noTriggerRate(rec.apply(1, List.of(List.of(0, 84), List.of(0, 416)))), 1e-12);
        assertEquals((48 / 84.0 + 1.0) / 2, ExperimentCommand.meanNoTriggerRate(List.of(rec.apply(1, twoLabels),
                rec.apply(1, List.of(List.of(0, 84), List.of(0, 416))))), 1e-12);
        assertEquals(null, ExperimentCommand.noTriggerRate(ResultRecord.builder().put("MASR_trigger", "cf").build()));
    }

    /** A fake stage runner: records each stage's start and end, and how many ran at once. */
    private static final class Recorder implements ExperimentCommand.Schedule.Runner {
        final List<String> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        final List<Stage.Share> shares = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        String failOn;

        @Override
        public void run(Stage.Share share, String[] args) throws Exception {
            List<String> a = List.of(args);
            String what = args[0] + " " + a.get(a.indexOf("--out") + 1).replaceAll(".*/", "");
            shares.add(share);
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            events.add("start " + what);
            Thread.sleep(150);
            events.add("end " + what);
            running.decrementAndGet();
            if (what.equals(failOn)) throw new IllegalStateException("stage failed: " + what);
        }

        int at(String event) {
            int i = events.indexOf(event);
            assertTrue(i >= 0, event + " in " + events);
            return i;
        }
    }

    @Test
    void stagesRunSideBySideOnlyOnceWhatTheyNeedIsMade(@TempDir Path dir) throws Exception {
        String grid = GRID.formatted(dir, dir, dir).replace("\"tasks\": [\"sst2\"]}]}", """
                "tasks": ["sst2"]},
                {"name": "NeuBA + FP", "from": "NeuBA", "defense": "fp"}]}""");
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, grid));
        Recorder r = new Recorder();
        ExperimentCommand.run(ExperimentCommand.items(List.of(cfg), null), 2, System.nanoTime(), r);
        assertEquals(2, r.most.get(), r.events.toString());
        assertEquals(14, r.events.size(), r.events.toString());   // 3 makes, 4 evaluations (clean's too)
        int neubaMade = r.at("end attack neuba");
        for (String child : List.of("start purify neuba-recipe", "start purify neuba-fp", "start evaluate neuba")) {
            assertTrue(r.at(child) > neubaMade, child + " after NeuBA was made: " + r.events);
        }
        assertTrue(r.at("start evaluate neuba-recipe") > r.at("end purify neuba-recipe"), r.events.toString());
        int cores = Runtime.getRuntime().availableProcessors();
        for (Stage.Share share : r.shares) {
            assertEquals(Math.max(1, cores / 2), share.threads());
            assertTrue(share.log().startsWith(Path.of(cfg.work()).resolve("logs")), share.log().toString());
        }

        Recorder one = new Recorder();
        ExperimentCommand.run(ExperimentCommand.items(List.of(cfg), null), 1, System.nanoTime(), one);
        assertEquals(1, one.most.get());
        assertTrue(one.shares.stream().allMatch(share -> share == Stage.Share.WHOLE));

        // a failed stage stops the grid with its error; nothing made from the failed model runs
        Recorder failing = new Recorder();
        failing.failOn = "attack neuba";
        Exception e = assertThrows(IllegalStateException.class,
                () -> ExperimentCommand.run(ExperimentCommand.items(List.of(cfg), null), 2, System.nanoTime(), failing));
        assertTrue(e.getMessage().contains("stage failed: attack neuba"), e.getMessage());
        assertTrue(failing.events.stream().noneMatch(x -> x.contains("neuba-")), failing.events.toString());
    }

    @Test
    void aGridMayPreTrainItsStartingModelFirst(@TempDir Path dir) throws Exception {
        String grid = GRID.formatted(dir, dir, dir).replace("{\"name\": \"clean\", \"model\": \"%s/clean\"}".formatted(dir),
                "{\"name\": \"clean\", \"pretrain\": \"roberta-tiny\", \"corpus\": [\"c.txt\"], \"args\": [\"--epochs\", \"1\"]}");
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, grid));
        ExperimentConfig.Step clean = cfg.step("clean");
        assertEquals(ExperimentCommand.Progress.Kind.PRETRAIN, ExperimentCommand.Progress.kindOf(clean));
        assertEquals(List.of("pretrain", "--config", "roberta-tiny", "--corpus", "c.txt", "--epochs", "1", "--out",
                dir + "/work/models/clean", "--work", dir + "/work/pretrain-clean"),
                ExperimentCommand.makeArgs(cfg, clean, ExperimentCommand.modelDir(cfg, clean), Path.of(cfg.work())));
        assertEquals(Map.of("pretrain", "roberta-tiny", "corpus", List.of("c.txt"), "args", List.of("--epochs", "1")),
                ExperimentCommand.recipe(cfg, clean));
        assertEquals(null, ExperimentCommand.parent(cfg, clean));
        // 1 pre-training (75 min) + 1 attack (25) + 1 defense (4) + 2 x 2 + 2 x 2 + 2 cells (3 each)
        assertTrue(new ExperimentCommand.Progress(ExperimentCommand.items(List.of(cfg), null)).remaining()
                .startsWith("left: 3 models to make, 10 cells to evaluate, about 2h14m"));
        assertTrue(ExperimentCommand.planUnion(List.of(cfg)).contains("1 models to pre-train, 1 attacks and 1 defenses"));
        Recorder r = new Recorder();
        ExperimentCommand.run(ExperimentCommand.items(List.of(cfg), null), 2, System.nanoTime(), r);
        assertTrue(r.at("end pretrain clean") < r.at("start attack neuba"), r.events.toString());
        assertTrue(r.at("end pretrain clean") < r.at("start evaluate clean"), r.events.toString());

        for (String bad : List.of(
                "{\"name\": \"x\", \"pretrain\": \"mini\", \"from\": \"clean\", \"corpus\": [\"c.txt\"]}",
                "{\"name\": \"x\", \"pretrain\": \"mini\"}",
                "{\"name\": \"x\", \"pretrain\": \"mini\", \"model\": \"m\", \"corpus\": [\"c.txt\"]}")) {
            String g = grid.replace("\"tasks\": [\"sst2\"]}]}", "\"tasks\": [\"sst2\"]},\n" + bad + "]}");
            ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.read(write(dir, g)), bad);
            assertTrue(e.getMessage().contains("models['x']"), e.getMessage());
        }
    }

    @Test
    void aModelTheZooHoldsByTheSameRecipeIsCopiedInsteadOfMade(@TempDir Path dir) throws Exception {
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir)));
        Path zoo = dir.resolve("zoo").resolve("models");
        Path made = ExperimentCommand.modelDir(cfg, cfg.step("NeuBA"));
        Files.createDirectories(made);
        Files.writeString(made.resolve("model.safetensors"), "weights");
        Path pub = ExperimentCommand.publish(List.of(cfg), "NeuBA=neuba-tiny", zoo).dir();
        assertEquals(zoo.resolve("neuba-tiny"), pub);
        assertEquals("weights", Files.readString(pub.resolve("model.safetensors")));
        assertEquals(dev.recipe.core.Json.write(ExperimentCommand.recipe(cfg, cfg.step("NeuBA"))),
                Files.readString(pub.resolve(ZooReuse.RECIPE_FILE)));
        ConfigException taken = assertThrows(ConfigException.class, () -> ExperimentCommand.publish(List.of(cfg), "NeuBA=neuba-tiny", zoo));
        assertTrue(taken.getMessage().contains("exists"), taken.getMessage());
        assertThrows(ConfigException.class, () -> ExperimentCommand.publish(List.of(cfg), "NeuBA + FP=x", zoo));
        assertThrows(ConfigException.class, () -> ExperimentCommand.publish(List.of(cfg), "NeuBA=Bad Name", zoo));

        String before = System.getProperty("recipe.home");
        System.setProperty("recipe.home", dir.toString());
        try {
            // another machine: no run directory; NeuBA comes from the zoo, what is made from it is made
            deleteTree(Path.of(cfg.work()));
            Recorder r = new Recorder();
            ExperimentCommand.run(ExperimentCommand.items(List.of(cfg), null), 1, System.nanoTime(), r);
            assertTrue(r.events.stream().noneMatch(x -> x.startsWith("start attack")), r.events.toString());
            assertTrue(r.events.contains("start purify neuba-recipe"), r.events.toString());
            assertEquals("weights", Files.readString(made.resolve("model.safetensors")));

            // another recipe (a longer sequence) is made, not copied
            ExperimentConfig other = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir).replace("\"seqLen\": 32", "\"seqLen\": 64")));
            deleteTree(Path.of(cfg.work()));
            Recorder r2 = new Recorder();
            ExperimentCommand.run(ExperimentCommand.items(List.of(other), null), 1, System.nanoTime(), r2);
            assertTrue(r2.events.contains("start attack neuba"), r2.events.toString());
        } finally {
            if (before == null) System.clearProperty("recipe.home");
            else System.setProperty("recipe.home", before);
        }
    }

    private static void deleteTree(Path d) throws Exception {
        if (!Files.exists(d)) return;
        try (var files = Files.walk(d)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }

    @Test
    void gridsGivenTogetherMakeASharedModelOnceAndEvaluateADirectoryOneStageAtATime(@TempDir Path dir) throws Exception {
        ExperimentConfig a = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir)));
        // another grid on the same work and out directories: the same NeuBA and clean model, other seeds, one more defense
        ExperimentConfig b = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir)
                .replace("\"name\": \"grid\"", "\"name\": \"other\"").replace("\"seeds\": [1, 2]", "\"seeds\": [3]")
                .replace("\"tasks\": [\"sst2\"]}]}", "\"tasks\": [\"sst2\"]},\n{\"name\": \"NeuBA + FP\", \"from\": \"NeuBA\", \"defense\": \"fp\"}]}")));
        Recorder r = new Recorder();
        ExperimentCommand.run(ExperimentCommand.items(List.of(a, b), null), 2, System.nanoTime(), r);
        assertEquals(1, r.events.stream().filter(x -> x.equals("start attack neuba")).count(), r.events.toString());
        assertEquals(1, r.events.stream().filter(x -> x.equals("start purify neuba-recipe")).count(), r.events.toString());
        // NeuBA is evaluated for both grids (seeds 1, 2 and seed 3), one after the other
        List<Integer> starts = new ArrayList<>(), ends = new ArrayList<>();
        for (int i = 0; i < r.events.size(); i++) {
            if (r.events.get(i).equals("start evaluate neuba")) starts.add(i);
            if (r.events.get(i).equals("end evaluate neuba")) ends.add(i);
        }
        assertEquals(2, starts.size(), r.events.toString());
        assertTrue(starts.get(1) > ends.get(0), "the second evaluation of NeuBA starts after the first ends: " + r.events);
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentCommand.items(List.of(a, b), "NeuBA + PF"));
        assertTrue(e.getMessage().contains("'NeuBA + PF'") && e.getMessage().contains("NeuBA + FP"), e.getMessage());
        assertEquals(List.of("clean", "NeuBA", "NeuBA + FP"),
                ExperimentCommand.items(List.of(a, b), "NeuBA + FP").stream().map(it -> it.step().name()).toList());
    }

    @Test
    void tableComparesEveryModelWithTheReferenceAndAppliesTheCriterion(@TempDir Path dir) throws Exception {
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, GRID.formatted(dir, dir, dir)));
        Path out = Path.of(cfg.out());
        cell(out, "clean", "clean", "sst2", 1, 0.70, 0.30);
        cell(out, "clean", "clean", "sst2", 2, 0.72, 0.34);
        cell(out, "neuba", "NeuBA", "sst2", 1, 0.70, 0.95);   // mean ACC 0.695: 1.5 points below 0.71
        cell(out, "neuba", "NeuBA", "sst2", 2, 0.69, 0.93);   // mean MASR 0.94
        cell(out, "neuba", "NeuBA", "hsol", 1, 0.80, 0.99);   // no reference row for hsol: fails the ACC part
        cell(out, "neuba-recipe", "NeuBA + RECIPE", "sst2", 1, 0.60, 0.40);
        List<ResultRecord> rows = ExperimentCommand.rows(cfg, out);
        assertEquals(4, rows.size());
        ResultRecord neuba = rows.get(1);
        assertEquals("NeuBA", neuba.get("model"));
        assertEquals("-1.5", neuba.get("ΔACC_vs_clean"));
        assertEquals("94.0 ± 1.4", neuba.get("MASR"));
        assertEquals("93.0", neuba.get("MASR_min"));
        assertEquals("yes", neuba.get("survives"));
        // clean seeds' MASR over NeuBA's triggers (≈ and cf): max(0.30, 0.40) and max(0.34, 0.44) -> 42.0
        assertEquals("42.0", neuba.get("floor_MASR"));
        assertEquals("+52.0", neuba.get("ΔMASR_vs_floor"));
        assertEquals("n/a", rows.get(2).get("ΔACC_vs_clean"));
        assertEquals("no", rows.get(2).get("survives"));
        assertEquals("-11.0", rows.get(3).get("ΔACC_vs_clean"));
        assertEquals(null, rows.get(3).get("survives"), "criterion applies to the listed models only");
    }

    @Test
    void plotsDrawMeanAndStdPerTaskAndMetricAtTheModelsXPositions(@TempDir Path dir) throws Exception {
        String plots = ", \"plots\": [{\"file\": \"dyn.png\", \"title\": \"dynamics\", \"x\": \"epochs\","
                + " \"points\": {\"NeuBA + RECIPE\": 1, \"NeuBA\": 0, \"clean\": 4}, \"metrics\": [\"ACC\", \"MASR\"]}]}";
        String json = GRID.formatted(dir, dir, dir).strip();
        ExperimentConfig cfg = ExperimentConfig.read(write(dir, json.substring(0, json.length() - 1) + plots));
        Path out = Path.of(cfg.out());
        cell(out, "neuba", "NeuBA", "sst2", 1, 0.80, 0.95);
        cell(out, "neuba", "NeuBA", "sst2", 2, 0.60, 0.93);
        cell(out, "neuba-recipe", "NeuBA + RECIPE", "sst2", 1, 0.70, 0.40);
        List<ExperimentPlots.Series> series = ExperimentPlots.series(cfg.plots().get(0),
                ExperimentCommand.outcomes(cfg, out), cfg.evaluate().tasks());
        assertEquals(2, series.size(), "sst2 ACC and MASR; clean and hsol have no cells");
        ExperimentPlots.Series acc = series.get(0);
        assertEquals("sst2 ACC", acc.name());
        assertArrayEquals(new double[]{0, 1}, acc.x());            // sorted by x, whatever the order in the config
        assertArrayEquals(new double[]{70, 70}, acc.y(), 1e-9);    // (80 + 60) / 2; one seed of 70
        assertArrayEquals(new double[]{Math.sqrt(200), 0}, acc.err(), 1e-9); // sample std of 80, 60; none of one seed
        assertArrayEquals(new double[]{94, 40}, series.get(1).y(), 1e-9);
        List<Path> files = ExperimentPlots.write(cfg, ExperimentCommand.outcomes(cfg, out), dir.resolve("report"));
        byte[] png = Files.readAllBytes(files.get(0));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG file");
        javax.imageio.ImageIO.read(files.get(0).toFile()); // decodes

        Map<String, String> bad = Map.of(
                plots.replace("dyn.png", "dyn.jpg"), "give a PNG file name",
                plots.replace("\"ACC\"", "\"accuracy\""), "unknown metric 'accuracy'",
                plots.replace("\"clean\": 4", "\"dirty\": 4"), "'dirty' is not a model",
                plots.replace("\"metrics\"", "\"logX\": true, \"metrics\""), "logarithmic x axis needs x > 0");
        for (var c : bad.entrySet()) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ExperimentConfig.read(write(dir, json.substring(0, json.length() - 1) + c.getKey())));
            assertTrue(e.getMessage().contains(c.getValue()), c.getValue() + " in: " + e.getMessage());
        }
    }

    @Test
    void aSideBySideStageGetsItsShareOfCoresAndMemoryAndWritesItsLog(@TempDir Path dir) throws Exception {
        Stage.Share half = Stage.Share.oneOf(2, dir.resolve("a/stage.log"));
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), half.threads());
        assertEquals(Stage.MEMORY_FRACTION / 2, half.memoryFraction(), 1e-12);
        Stage.run(half, "evaluate", "--help");
        String log = Files.readString(dir.resolve("a/stage.log"));
        assertTrue(log.contains("--train-size"), log);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Stage.run(half, "nonsense-command"));
        assertTrue(e.getMessage().contains("exit code 2"), e.getMessage()); // unknown command
        assertTrue(Files.readString(dir.resolve("a/stage.log")).contains("nonsense-command"), "the failure is in the log too");
    }
}
