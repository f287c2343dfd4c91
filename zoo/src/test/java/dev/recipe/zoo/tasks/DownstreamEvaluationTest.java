package dev.recipe.zoo.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.recipe.eval.ResultRecord;
import dev.recipe.eval.ResultTable;
import dev.recipe.eval.TargetLabelRule;
import dev.recipe.eval.TriggerInsertion;
import dev.recipe.eval.Triggers;
import dev.recipe.text.LabelledText;
import dev.recipe.text.Vocabulary;
import dev.recipe.text.data.Dataset;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class DownstreamEvaluationTest {
    static List<LabelledText> easy(int n, long seed) {
        // w5 means 1, w6 means 0
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            out.add(new LabelledText("w" + (20 + r.nextInt(50)) + " " + (label == 1 ? "w5" : "w6") + " w"
                    + (20 + r.nextInt(50)), label));
        }
        return out;
    }

    @Test
    void recordsEveryMetricAndResumesFinishedCells(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("model");
        Files.createDirectories(model);
        Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.FLOAT, 1).save(model, Map.of());
        List<String> tokens = new ArrayList<>(Vocabulary.SPECIALS);
        for (int i = tokens.size(); i < 99; i++) tokens.add("w" + i);
        Vocabulary.of(tokens).save(model.resolve("vocab.txt"));
        // a made model (here: as if purified) names the weights it was made from; its cells carry that on
        Files.writeString(model.resolve("provenance.json"), "{\"inputSha256\": {\"model_weights (model.safetensors)\": \"abc\"}}");
        Dataset d = new Dataset("easy", List.of("zero", "one"), easy(256, 1), easy(32, 2), easy(40, 3), Map.of(), "test data");
        DownstreamEvaluation.Config cfg = new DownstreamEvaluation.Config(
                new Finetuning.Config(4, 1e-3, 16, 16, 0.0, 1), Triggers.of("w90", "w91"), TriggerInsertion.first(),
                TargetLabelRule.maxOverLabels(), List.of(1L, 2L), 0, 0, 7, 8, false);
        Path cells = tmp.resolve("cells");
        Files.createDirectories(cells);
        DownstreamEvaluation.Outcome o = DownstreamEvaluation.run("tiny", model, d, cfg, cells, "test");
        assertEquals(2, o.perSeed().size());
        assertEquals(2, o.neurons().size());
        ResultRecord r = o.perSeed().get(0);
        for (String k : List.of("ACC", "macro_F1", "AASR", "MASR", "ASR[w90]", "ASR[w91]", "target[w90]")) {
            assertTrue(r.values().containsKey(k), k + " in " + r.values().keySet());
        }
        assertTrue((Double) r.get("ACC") >= 0.9, "tiny model learns the easy task: " + r.get("ACC"));
        assertTrue(r.provenance().containsKey("gitRevision") && r.provenance().containsKey("inputSha256"));
        assertEquals("abc", r.provenance().get(DownstreamEvaluation.MADE_FROM_KEY));
        assertTrue(!Files.exists(cells.resolve(".work").resolve("easy-seed1")), "a finished cell's checkpoints are removed");

        // a finished cell is read back, not recomputed: doctor its ACC and see it come back
        Path cell = cells.resolve("easy-seed1.json");
        ResultRecord doctored = ResultTable.readJson(cell).records().get(0).with("ACC", 0.123);
        new ResultTable(List.of(doctored)).writeJson(cell);
        DownstreamEvaluation.Outcome again = DownstreamEvaluation.run("tiny", model, d, cfg, cells, "test");
        assertEquals(0.123, (Double) again.perSeed().get(0).get("ACC"), 0);

        // a cell made with other settings is not passed off as this run's: another learning rate fails naming it
        DownstreamEvaluation.Config otherLr = new DownstreamEvaluation.Config(
                new Finetuning.Config(4, 2e-3, 16, 16, 0.0, 1), cfg.triggers(), cfg.insertion(), cfg.rule(),
                List.of(1L), 0, 0, 7, 8, false);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DownstreamEvaluation.run("tiny", model, d, otherLr, cells, "test"));
        assertTrue(e.getMessage().contains("easy-seed1.json") && e.getMessage().contains("lr"), e.getMessage());
        // ... and so does another model's weights
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.FLOAT, 2).save(other, Map.of());
        Files.copy(model.resolve("vocab.txt"), other.resolve("vocab.txt"));
        IllegalStateException w = assertThrows(IllegalStateException.class,
                () -> DownstreamEvaluation.run("tiny", other, d, cfg, cells, "test"));
        assertTrue(w.getMessage().contains("model tensors sha256"), w.getMessage());
        assertTrue(DownstreamEvaluation.otherModel(cells, other).contains("records model tensors sha256"));
        assertEquals(null, DownstreamEvaluation.otherModel(cells, model));
        // the same tensors written again with other header metadata (another revision, another machine) are the
        // same model: the file's sha256 changes, the cells are still reused
        Path rewritten = tmp.resolve("rewritten");
        Files.createDirectories(rewritten);
        Files.copy(model.resolve("vocab.txt"), rewritten.resolve("vocab.txt"));
        Files.copy(model.resolve("config.json"), rewritten.resolve("config.json"));
        dev.recipe.core.SafeTensors.write(rewritten.resolve("model.safetensors"),
                dev.recipe.core.SafeTensors.read(model.resolve("model.safetensors")).tensors(), Map.of("git", "0123abc"));
        assertTrue(!dev.recipe.core.Checksums.sha256(rewritten.resolve("model.safetensors"))
                .equals(dev.recipe.core.Checksums.sha256(model.resolve("model.safetensors"))));
        assertEquals(0.123, (Double) DownstreamEvaluation.run("tiny", rewritten, d, cfg, cells, "test").perSeed().get(0).get("ACC"), 0);
        assertEquals(null, DownstreamEvaluation.otherModel(cells, rewritten));
        // adding a seed reuses the finished ones
        DownstreamEvaluation.Config moreSeeds = new DownstreamEvaluation.Config(cfg.finetune(), cfg.triggers(),
                cfg.insertion(), cfg.rule(), List.of(2L, 1L), 0, 0, 7, 8, false);
        assertEquals(0.123, (Double) DownstreamEvaluation.run("tiny", model, d, moreSeeds, cells, "test").perSeed().get(1).get("ACC"), 0);

        assertThrows(IllegalArgumentException.class, () -> new DownstreamEvaluation.Config(cfg.finetune(), List.of(),
                TriggerInsertion.first(), TargetLabelRule.maxOverLabels(), List.of(1L), 0, 0, 7, 0, false));
    }

    /** maxLen may exceed the position table while every text fits; a text that does not is refused by name. */
    @Test
    void textsLongerThanThePositionTableAreRefusedBeforeTheNativeLookup() {
        List<String> tokens = new ArrayList<>(Vocabulary.SPECIALS);
        for (int i = tokens.size(); i < 99; i++) tokens.add("w" + i);
        dev.recipe.text.BertTokenizer tok = new dev.recipe.text.BertTokenizer(Vocabulary.of(tokens));
        Finetuning.Config fc = new Finetuning.Config(1, 1e-3, 16, 128, 0.0, 1);   // maxLen 128, the tiny model holds 64
        dev.recipe.zoo.bert.BertModel model = Bert.build(BertConfig.robertaTiny(99, 1), Bert.Heads.classification(2), DataType.FLOAT, 1);
        // 60 words + 2 special tokens: fits 64, and the batch is not padded (rounded to 16) past the table
        List<LabelledText> fits = List.of(new LabelledText(String.join(" ", java.util.Collections.nCopies(60, "w30")), 1),
                new LabelledText("w20 w5", 0));
        Finetuning.Result r = Finetuning.run(model, tok, fits, List.of(), fits, fc, null);
        assertEquals(2, r.evaluated());
        List<LabelledText> tooLong = List.of(new LabelledText(String.join(" ", java.util.Collections.nCopies(70, "w30")), 1));
        dev.recipe.core.ConfigException e = assertThrows(dev.recipe.core.ConfigException.class,
                () -> Finetuning.run(model, tok, tooLong, List.of(), List.of(), fc, null));
        assertEquals("fine-tuning: the longest training text (tokens, cut at maxLen 128), with 72 is longer than this "
                + "roberta model holds: 64 tokens (max_position_embeddings 66, positions start at 2); use at most 64", e.getMessage());
        e = assertThrows(dev.recipe.core.ConfigException.class, () -> Finetuning.predict(model, tok, tooLong, 128));
        assertTrue(e.getMessage().startsWith("fine-tuning: the longest prediction text"), e.getMessage());
    }

    @Test
    void fineTuningWithCheckpointsResumesToTheSameNumbers(@TempDir Path tmp) throws Exception {
        List<String> tokens = new ArrayList<>(Vocabulary.SPECIALS);
        for (int i = tokens.size(); i < 99; i++) tokens.add("w" + i);
        dev.recipe.text.BertTokenizer tok = new dev.recipe.text.BertTokenizer(Vocabulary.of(tokens));
        Finetuning.Config fc = new Finetuning.Config(4, 1e-3, 16, 16, 0.0, 1);   // 16 steps an epoch, 64 in all
        java.util.function.Supplier<dev.recipe.zoo.bert.BertModel> fresh =
                () -> Bert.build(BertConfig.tiny(), Bert.Heads.classification(2), DataType.FLOAT, 1);
        Finetuning.Result plain = Finetuning.run(fresh.get(), tok, easy(256, 1), easy(32, 2), easy(40, 3), fc, null);
        Path work = tmp.resolve("work");
        Finetuning.Result withCheckpoints = Finetuning.run(fresh.get(), tok, easy(256, 1), easy(32, 2), easy(40, 3), fc, work);
        assertEquals(plain.accuracy(), withCheckpoints.accuracy(), 0);
        assertEquals(plain.devAccuracy(), withCheckpoints.devAccuracy());
        assertEquals(4, plain.devAccuracy().size());
        // a process stopped after the checkpoint of step 50 (epoch 4 under way): its newer files are gone
        keepOnlyCheckpointOfStep50(work);
        dev.recipe.core.Json.write(work.resolve("dev-accuracy.json"), plain.devAccuracy().subList(0, 3));
        Finetuning.Result resumed = Finetuning.run(fresh.get(), tok, easy(256, 1), easy(32, 2), easy(40, 3), fc, work);
        assertEquals(50, resumed.training().resumedFrom());
        assertEquals(plain.accuracy(), resumed.accuracy(), 0);
        assertEquals(plain.devAccuracy(), resumed.devAccuracy());
        // a process stopped after recording epoch 4's dev accuracy but before its next checkpoint: the resumed run
        // measures epoch 4 again, which replaces the entry instead of adding a fifth (seen on a real cell)
        keepOnlyCheckpointOfStep50(work);
        dev.recipe.core.Json.write(work.resolve("dev-accuracy.json"), plain.devAccuracy());
        Finetuning.Result again = Finetuning.run(fresh.get(), tok, easy(256, 1), easy(32, 2), easy(40, 3), fc, work);
        assertEquals(50, again.training().resumedFrom());
        assertEquals(plain.accuracy(), again.accuracy(), 0);
        assertEquals(plain.devAccuracy(), again.devAccuracy());
        assertThrows(IllegalArgumentException.class, () -> Finetuning.run(fresh.get(), tok, easy(256, 1), easy(32, 2),
                easy(40, 3), new Finetuning.Config(4, 1e-3, 16, 16, 0.0, 1, Finetuning.PoolerMode.KEEP,
                        Finetuning.Selection.BEST_ON_DEV), tmp.resolve("w2")));
    }

    /** A process stopped after the checkpoint of step 50: the newer checkpoints are gone. */
    private static void keepOnlyCheckpointOfStep50(Path work) throws java.io.IOException {
        try (var files = Files.list(work)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("step-")
                    && !f.getFileName().toString().equals("step-50")).toList()) {
                dev.recipe.core.AtomicFiles.deleteRecursively(f);
            }
        }
    }
}
