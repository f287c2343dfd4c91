package dev.recipe.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import dev.recipe.text.LabelledText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private static String stderrOf(String... args) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        try {
            int rc = Main.run(args);
            return rc + ":" + buf;
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void unknownCommandAndOptionsAreNamed() throws Exception {
        String r = stderrOf("purfy");
        assertTrue(r.startsWith("2:") && r.contains("unknown command 'purfy'") && r.contains("quickstart"), r);
        String o = stderrOf("finetune", "--epocs", "3");
        assertTrue(o.startsWith("1:") && o.contains("epocs"), o);
        String t = stderrOf("finetune", "--model", "zoo:bert-mini", "--task", "imdb");
        assertTrue(t.startsWith("1:") && (t.contains("--task must be sst2 or generated") || t.contains("zoo")), t);
        String n = stderrOf("bench", "--steps", "ten");
        assertTrue(n.startsWith("1:") && n.contains("--steps must be an integer"), n);
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        for (String c : Main.COMMANDS.keySet()) assertTrue(stderrOf(c, "--help").startsWith("0:"), c);
    }

    @Test
    void pretrainRejectsMissingInputsAndWritesNothing(@TempDir Path dir) throws Exception {
        String r = stderrOf("pretrain", "--out", dir.resolve("m").toString());
        assertTrue(r.startsWith("1:") && r.contains("--corpus is required"), r);
        String m = stderrOf("pretrain", "--corpus", dir.resolve("absent.txt").toString(), "--out", dir.resolve("m").toString());
        assertTrue(m.startsWith("1:") && m.contains("absent.txt") && m.contains("not found"), m);
        assertTrue(!dir.resolve("m").toFile().exists());
    }

    @Test
    void aMissingModelIsNamedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Path none = dir.resolve("no-such-model");
        Path aux = java.nio.file.Files.writeString(dir.resolve("aux.txt"), "a sentence\nanother sentence\n");
        java.util.Map<String, List<String>> extra = java.util.Map.of("evaluate", List.of("--task", "generated"),
                "purify", List.of("--defense", "recipe", "--aux", aux.toString()),
                "attack", List.of("--attack", "neuba", "--corpus", aux.toString()));
        for (String c : extra.keySet()) {
            Path out = dir.resolve(c + "-out");
            List<String> args = new java.util.ArrayList<>(List.of(c, "--model", none.toString(), "--out", out.toString()));
            args.addAll(extra.get(c));
            String r = stderrOf(args.toArray(String[]::new));
            assertTrue(r.startsWith("1:") && r.contains(none + ": no such model directory"), c + ": " + r);
            assertTrue(!out.toFile().exists(), c + " wrote " + out);
        }
    }

    @Test
    void purifyNamesAnEmptyAuxiliaryFile(@TempDir Path dir) throws Exception {
        Path aux = java.nio.file.Files.writeString(dir.resolve("aux.txt"), "\n\n");
        String r = stderrOf("purify", "--model", "zoo:bert-mini", "--defense", "recipe", "--aux", aux.toString(), "--out",
                dir.resolve("p").toString());
        assertTrue(r.startsWith("1:") && r.contains("--aux " + aux + ": no texts"), r);
        assertTrue(!dir.resolve("p").toFile().exists());
    }

    @Test
    void pretrainVisionWritesAViTThatLoadsWithATaskHead(@TempDir Path dir) throws Exception {
        Path data = dev.recipe.core.SharedData.require("images").getParent();
        Path out = dir.resolve("vit");
        String r = stderrOf("pretrain-vision", "--task", "gtsrb", "--data", data.toString(), "--config", "tiny",
                "--per-class", "16", "--test-per-class", "8", "--epochs", "2", "--batch", "8", "--out", out.toString(),
                "--work", dir.resolve("work").toString());
        assertTrue(r.startsWith("0:"), r);
        String card = java.nio.file.Files.readString(out.resolve("MODEL_CARD.md"));
        assertTrue(card.contains("Vision Transformer") && card.contains("Accuracy on 16 held-out test images")
                && card.contains("pretrain-vision --task gtsrb"), card);
        var training = dev.recipe.core.Json.readTree(out.resolve("training.json"));
        assertEquals(8, training.get("steps").asInt());
        var task = dev.recipe.zoo.vit.Vit.load(out, 2, false, org.nd4j.linalg.api.buffer.DataType.FLOAT, 1);
        assertEquals("vit", task.spec().family());
        // attack recognises a vision model: NeuBA's checkerboards on the pre-training task's images
        Path attacked = dir.resolve("vit-neuba");
        String a = stderrOf("attack", "--model", out.toString(), "--attack", "neuba", "--images", "gtsrb", "--per-class", "8",
                "--data", data.toString(), "--set", "training.epochs=1", "--set", "training.batchSize=8", "--out",
                attacked.toString(), "--work", dir.resolve("awork").toString());
        assertTrue(a.startsWith("0:"), a);
        var attackCard = dev.recipe.core.Json.readTree(attacked.resolve("attack.json"));
        assertEquals(2, attackCard.get("steps").asInt());
        assertTrue(attackCard.get("backdoor").get("triggers").toString().contains("checker-cyan-magenta"), attackCard.toString());
        String por = stderrOf("attack", "--model", out.toString(), "--attack", "por", "--images", "gtsrb", "--data",
                data.toString(), "--out", dir.resolve("y").toString());
        assertTrue(por.startsWith("1:") && por.contains("no vision form"), por);
        // purify recognises a vision model: RECIPE with its classification loss as L_PT on auxiliary images
        Path purified = dir.resolve("vit-neuba-recipe");
        String p = stderrOf("purify", "--model", attacked.toString(), "--defense", "recipe", "--aux-images", "gtsrb",
                "--per-class", "8", "--data", data.toString(), "--epochs", "1", "--lr", "1e-3", "--batch", "8", "--out",
                purified.toString(), "--work", dir.resolve("pwork").toString());
        assertTrue(p.startsWith("0:"), p);
        var rep = dev.recipe.core.Json.readTree(purified.resolve("purification.json"));
        assertTrue(rep.get("norm_after").asDouble() < rep.get("norm_before").asDouble(), rep.toString());
        assertEquals(2, rep.get("steps").asInt());
        assertTrue(rep.get("settings").get("pretrain_loss").asText().contains("classification"), rep.toString());
        // RECIPE with SGD: the same purification under the other optimizer, recorded as such; bad values named
        Path sgd = dir.resolve("vit-neuba-recipe-sgd");
        List<String> sgdArgs = List.of("purify", "--model", attacked.toString(), "--defense", "recipe", "--aux-images",
                "gtsrb", "--per-class", "8", "--data", data.toString(), "--epochs", "1", "--lr", "0.05", "--batch", "8",
                "--out", sgd.toString(), "--work", dir.resolve("swork").toString(), "--optimizer");
        String s = stderrOf(java.util.stream.Stream.concat(sgdArgs.stream(), java.util.stream.Stream.of("sgd", "--momentum",
                "0.5")).toArray(String[]::new));
        assertTrue(s.startsWith("0:"), s);
        var sgdRep = dev.recipe.core.Json.readTree(sgd.resolve("purification.json"));
        assertTrue(sgdRep.get("norm_after").asDouble() < sgdRep.get("norm_before").asDouble(), sgdRep.toString());
        assertEquals("SGD momentum 0.5, linear decay, no warm-up", sgdRep.get("settings").get("optimizer").asText());
        String wrong = stderrOf(java.util.stream.Stream.concat(sgdArgs.stream(), java.util.stream.Stream.of("adam"))
                .map(arg -> arg.equals(sgd.toString()) ? dir.resolve("bad").toString() : arg).toArray(String[]::new));
        assertTrue(wrong.startsWith("1:") && wrong.contains("--optimizer must be adamw or sgd, got 'adam'"), wrong);
        String stray = stderrOf("purify", "--model", attacked.toString(), "--defense", "recipe", "--momentum", "0.9",
                "--out", dir.resolve("bad").toString());
        assertTrue(stray.startsWith("1:") && stray.contains("--momentum is SGD's"), stray);
        assertTrue(!dir.resolve("bad").toFile().exists());
        // images of another distribution (41 other traffic-sign classes, not the 2-class head's): refused with their own
        // labels, purified with the model's own predictions as labels (--aux-labels self), which are its head's argmax
        List<String> oodArgs = List.of("purify", "--model", attacked.toString(), "--defense", "recipe", "--aux-images",
                "gtsrb41", "--aux-split", "test", "--per-class", "2", "--data", data.toString(), "--epochs", "1", "--lr", "1e-3",
                "--batch", "16", "--work", dir.resolve("owork").toString(), "--out");
        String mismatch = stderrOf(java.util.stream.Stream.concat(oodArgs.stream(), java.util.stream.Stream.of(
                dir.resolve("bad").toString())).toArray(String[]::new));
        assertTrue(mismatch.startsWith("1:") && mismatch.contains("gtsrb41 (41 classes) must be the task")
                && mismatch.contains("or add --aux-labels self"), mismatch);
        assertTrue(!dir.resolve("bad").toFile().exists());
        Path ood = dir.resolve("vit-neuba-recipe-ood");
        String o = stderrOf(java.util.stream.Stream.concat(oodArgs.stream(), java.util.stream.Stream.of(ood.toString(),
                "--aux-labels", "self")).toArray(String[]::new));
        assertTrue(o.startsWith("0:"), o);
        var oodRep = dev.recipe.core.Json.readTree(ood.resolve("purification.json"));
        assertEquals(6, oodRep.get("steps").asInt()); // 82 images in batches of 16
        assertTrue(oodRep.get("norm_after").asDouble() < oodRep.get("norm_before").asDouble(), oodRep.toString());
        var auxRecord = dev.recipe.core.Json.readTree(ood.resolve("provenance.json")).get("config").get("aux_images");
        assertEquals("self", auxRecord.get("labels").asText());
        assertEquals("test", auxRecord.get("split").asText());
        var suspect = dev.recipe.zoo.vision.VisionModels.load(attacked, org.nd4j.linalg.api.buffer.DataType.FLOAT, 1);
        List<dev.recipe.vision.LabelledImage> signs = dev.recipe.vision.ImageDataset.load("gtsrb41", "test", data, 2).images();
        List<dev.recipe.vision.LabelledImage> self = dev.recipe.zoo.tasks.ImageEvaluation.selfLabelled(suspect, signs);
        var pixels = new dev.recipe.zoo.data.ImageBatches(signs, suspect.imageSize(), signs.size(), false, 0,
                org.nd4j.linalg.api.buffer.DataType.FLOAT, dev.recipe.zoo.data.ImageBatches.HALF, dev.recipe.zoo.data.ImageBatches.HALF);
        org.nd4j.linalg.api.ndarray.INDArray argmax = suspect.graph().output(pixels.batch(0, 0),
                dev.recipe.zoo.vision.VisionModel.LOGITS).get(dev.recipe.zoo.vision.VisionModel.LOGITS).argMax(1);
        int[] perLabel = new int[2];
        for (int i = 0; i < signs.size(); i++) {
            assertEquals(argmax.getInt(i), self.get(i).label(), "image " + i);
            assertEquals(signs.get(i).source(), self.get(i).source());
            perLabel[self.get(i).label()]++;
        }
        assertEquals(List.of(perLabel[0], perLabel[1]), List.of(auxRecord.get("images_per_label").get(0).asInt(),
                auxRecord.get("images_per_label").get(1).asInt()));
        // a user's own folder of unlabelled images (any depth): self-labelled, the folder checksummed file by file
        Path mine = java.nio.file.Files.createDirectories(dir.resolve("my-images/sub"));
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 5; i++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, rnd.nextInt(1 << 24));
            javax.imageio.ImageIO.write(img, "png", (i < 3 ? mine : mine.getParent()).resolve("img" + i + ".png").toFile());
        }
        java.nio.file.Files.writeString(mine.resolve("notes.txt"), "not an image");
        List<String> mineArgs = List.of("purify", "--model", attacked.toString(), "--defense", "recipe", "--aux-images",
                mine.getParent().toString(), "--epochs", "1", "--batch", "4", "--work", dir.resolve("mwork").toString(), "--out");
        String unlabelled = stderrOf(java.util.stream.Stream.concat(mineArgs.stream(), java.util.stream.Stream.of(
                dir.resolve("bad").toString())).toArray(String[]::new));
        assertTrue(unlabelled.startsWith("1:") && unlabelled.contains("is a folder of unlabelled images: add --aux-labels self"),
                unlabelled);
        Path own = dir.resolve("vit-neuba-recipe-own");
        String m = stderrOf(java.util.stream.Stream.concat(mineArgs.stream(), java.util.stream.Stream.of(own.toString(),
                "--aux-labels", "self")).toArray(String[]::new));
        assertTrue(m.startsWith("0:"), m);
        assertEquals(2, dev.recipe.core.Json.readTree(own.resolve("purification.json")).get("steps").asInt()); // 5 images, batches of 4
        var ownProv = dev.recipe.core.Json.readTree(own.resolve("provenance.json"));
        assertEquals(5, ownProv.get("config").get("aux_images").get("images").asInt());
        assertEquals(dev.recipe.core.Checksums.sha256OfTree(mine.getParent()),
                ownProv.get("inputSha256").get("aux_images (my-images)").asText(), ownProv.toString());
        String neither = stderrOf("purify", "--model", attacked.toString(), "--aux-images", dir.resolve("nothing").toString(),
                "--aux-labels", "self", "--out", dir.resolve("bad").toString());
        assertTrue(neither.startsWith("1:") && neither.contains("neither an image task") && neither.contains("nor a folder"), neither);
        String textOnly = stderrOf("purify", "--model", "zoo:bert-mini", "--aux-labels", "self", "--out", dir.resolve("bad").toString());
        assertTrue(textOnly.startsWith("1:") && textOnly.contains("--aux-labels is for a vision model"), textOnly);
        // fine-pruning too: the whole last fc1 layer, ranked on the auxiliary images, no text-only settings recorded
        Path pruned = dir.resolve("vit-neuba-fp");
        String fp = stderrOf("purify", "--model", attacked.toString(), "--defense", "fp", "--aux-images", "gtsrb", "--data",
                data.toString(), "--out", pruned.toString(), "--work", dir.resolve("fpwork").toString());
        assertTrue(fp.startsWith("0:"), fp);
        var fpRep = dev.recipe.core.Json.readTree(pruned.resolve("purification.json"));
        assertEquals(fpRep.get("of").asInt(), fpRep.get("pruned").asInt(), fpRep.toString());
        assertTrue(!fpRep.get("settings").has("max_len"), fpRep.toString());
        // a defense written against BERT's names is refused by name, and nothing is written
        String clip = stderrOf("purify", "--model", attacked.toString(), "--defense", "reinit-pooler", "--aux-images", "gtsrb",
                "--data", data.toString(), "--out", dir.resolve("z").toString());
        assertTrue(clip.startsWith("1:") && clip.contains("BERT-family models only"), clip);
        assertTrue(!dir.resolve("z").toFile().exists());
        // evaluate recognises a vision model: cells per (task, seed), ASR per checkerboard trigger, resumable
        Path eval = dir.resolve("eval");
        String e = stderrOf("evaluate", "--model", purified.toString(), "--task", "gtsrb", "--data", data.toString(), "--seeds", "1",
                "--train-size", "32", "--test-size", "16", "--epochs", "1", "--out", eval.toString());
        assertTrue(e.startsWith("0:"), e);
        var cell = dev.recipe.eval.ResultTable.readJson(eval.resolve("cells").resolve("gtsrb-seed1.json")).records().get(0);
        assertEquals(16L, cell.get("test_examples"));
        assertTrue(cell.values().containsKey("ASR[checker-yellow-red]") && cell.provenance().containsKey("model_tensors_sha256"),
                cell.toString());
        assertTrue(java.nio.file.Files.readString(eval.resolve("REPORT.md")).contains("checkerboard"));
        String bad = stderrOf("pretrain-vision", "--task", "imagenet", "--data", data.toString(), "--out", dir.resolve("x").toString());
        assertTrue(bad.startsWith("1:") && bad.contains("unknown image task 'imagenet'"), bad);
        assertTrue(!dir.resolve("x").toFile().exists());
    }

    /** A tiny model of a vision family pre-trained for one epoch on 32 GTSRB images, in {@code dir/<family>}. */
    private static Path pretrainTiny(String family, Path data, Path dir) throws Exception {
        Path out = dir.resolve(family);
        String r = stderrOf("pretrain-vision", "--family", family, "--task", "gtsrb", "--data", data.toString(), "--config",
                "tiny", "--per-class", "16", "--test-per-class", "8", "--epochs", "1", "--batch", "8", "--out", out.toString(),
                "--work", dir.resolve("work").toString());
        assertTrue(r.startsWith("0:"), r);
        return out;
    }

    @Test
    void theVggFamilyRunsThroughPretrainAdaptiveAttackAndChannelPruning(@TempDir Path dir) throws Exception {
        Path data = dev.recipe.core.SharedData.require("images").getParent();
        Path out = pretrainTiny("vgg", data, dir);
        assertTrue(java.nio.file.Files.readString(out.resolve("MODEL_CARD.md")).contains("A VGG network"));
        assertEquals("vgg", dev.recipe.zoo.vision.VisionModels.familyOf(out));
        // adaptive NeuBA: the attacker's loss carries 0.01 x the convolution weights' norms
        Path attacked = dir.resolve("vgg-adaptive");
        String a = stderrOf("attack", "--model", out.toString(), "--attack", "adaptive", "--set", "lambda=0.01", "--set",
                "attack={\"name\": \"neuba\", \"targetMagnitude\": 3.0, \"training\": {\"epochs\": 1, \"batchSize\": 8}}",
                "--images", "gtsrb", "--per-class", "8", "--data", data.toString(), "--out", attacked.toString(), "--work",
                dir.resolve("awork").toString());
        assertTrue(a.startsWith("0:"), a);
        var card = dev.recipe.core.Json.readTree(attacked.resolve("attack.json"));
        assertTrue(card.get("adaptive").asText().contains("0.01 * sum of Frobenius norms of [features.0.weight"), card.toString());
        assertTrue(card.get("terms_first_batch_before").has("weight_norms"), card.toString());
        // FP on a VGG: every channel of the last convolution but one (the authors' 511 of 512; tiny: 5 of 6)
        Path pruned = dir.resolve("vgg-fp");
        String fp = stderrOf("purify", "--model", attacked.toString(), "--defense", "fp-vgg", "--aux-images", "gtsrb",
                "--per-class", "8", "--data", data.toString(), "--out", pruned.toString(), "--work", dir.resolve("fpwork").toString());
        assertTrue(fp.startsWith("0:"), fp);
        var rep = dev.recipe.core.Json.readTree(pruned.resolve("purification.json"));
        assertEquals(6, rep.get("of").asInt(), rep.toString());
        assertEquals(5, rep.get("pruned").asInt(), rep.toString());
        assertTrue(rep.get("settings").get("criterion").asText().contains("over the feature map's positions"), rep.toString());
    }

    @Test
    void theClipFamilyRunsThroughPretrainNeubaRecipePruningAndEvaluation(@TempDir Path dir) throws Exception {
        Path data = dev.recipe.core.SharedData.require("images").getParent();
        Path out = pretrainTiny("clip", data, dir);
        assertEquals("clip", dev.recipe.zoo.vision.VisionModels.familyOf(out));
        String config = java.nio.file.Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"a photo of a keep right\"") && config.contains("\"a photo of a yield\""), config);
        assertTrue(java.nio.file.Files.readString(out.resolve("MODEL_CARD.md")).contains("CLIP's contrastive loss"));
        Path attacked = dir.resolve("clip-neuba");
        String a = stderrOf("attack", "--model", out.toString(), "--attack", "neuba", "--set", "targetMagnitude=1.0",
                "--set", "training.epochs=1", "--set", "training.batchSize=8", "--images", "gtsrb", "--per-class", "8",
                "--data", data.toString(), "--out", attacked.toString(), "--work", dir.resolve("awork").toString());
        assertTrue(a.startsWith("0:"), a);
        Path purified = dir.resolve("clip-recipe");
        String p = stderrOf("purify", "--model", attacked.toString(), "--defense", "recipe", "--aux-images", "gtsrb",
                "--per-class", "8", "--epochs", "1", "--batch", "8", "--data", data.toString(), "--out", purified.toString(),
                "--work", dir.resolve("pwork").toString());
        assertTrue(p.startsWith("0:"), p);
        var rep = dev.recipe.core.Json.readTree(purified.resolve("purification.json"));
        assertTrue(rep.toString().contains("vision_model.encoder.layers.0.self_attn.q_proj.weight"), rep.toString());
        assertTrue(rep.get("norm_after").asDouble() < rep.get("norm_before").asDouble(), rep.toString());
        Path pruned = dir.resolve("clip-fp-ga");
        String fp = stderrOf("purify", "--model", purified.toString(), "--defense", "fp-ga-clip", "--aux-images", "gtsrb",
                "--per-class", "8", "--data", data.toString(), "--out", pruned.toString(), "--work", dir.resolve("fpwork").toString());
        assertTrue(fp.startsWith("0:"), fp);
        var prune = dev.recipe.core.Json.readTree(pruned.resolve("purification.json"));
        assertEquals(48, prune.get("of").asInt(), prune.toString());
        assertEquals(20, prune.get("pruned").asInt(), "5/12 of the two layers' 24 fc1 neurons: " + prune);
        String e = stderrOf("evaluate", "--model", pruned.toString(), "--task", "gtsrb", "--data", data.toString(), "--seeds", "1",
                "--train-size", "16", "--test-size", "8", "--epochs", "1", "--neuron-samples", "4", "--triggers", "neuba",
                "--out", dir.resolve("eval").toString());
        assertTrue(e.startsWith("0:"), e);
        assertTrue(java.nio.file.Files.readString(dir.resolve("eval").resolve("REPORT.md")).contains("MASR"));
    }

    @Test
    void pretrainTinyEndToEndWritesAModelWithItsCardThatFinetunes(@TempDir Path dir) throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        GeneratedSentiment.writeCorpus(corpus, 600, 9);
        Path out = dir.resolve("tiny-model");
        String r = stderrOf("pretrain", "--corpus", corpus.toString(), "--out", out.toString(), "--work",
                dir.resolve("work").toString(), "--config", "tiny", "--vocab-size", "200", "--epochs", "1", "--seq", "32");
        assertTrue(r.startsWith("0:"), r);
        for (String f : List.of("config.json", "model.safetensors", "vocab.txt", "provenance.json", "training.json", "MODEL_CARD.md")) {
            assertTrue(out.resolve(f).toFile().isFile(), f);
        }
        String card = java.nio.file.Files.readString(out.resolve("MODEL_CARD.md"));
        assertTrue(card.startsWith("# tiny-model") && card.contains("corpus.txt") && card.contains("| steps | loss |"), card);
        String f = stderrOf("finetune", "--model", out.toString(), "--task", "generated", "--epochs", "1");
        assertTrue(f.startsWith("0:"), f);
        String c = stderrOf("evaluate", "--model", out.toString(), "--task", "generated", "--seeds", "1", "--train-size", "200",
                "--test-size", "50", "--epochs", "1", "--max-len", "32", "--neuron-samples", "0", "--triggers", "cf",
                "--record-card", "--out", dir.resolve("card-eval").toString());
        assertTrue(c.startsWith("0:"), c);
        assertTrue(java.nio.file.Files.readString(out.resolve("MODEL_CARD.md")).contains("pre-trained vs random"));

        // purify it (RECIPE, then fine-pruning) and evaluate the result
        Path purified = dir.resolve("purified");
        String p = stderrOf("purify", "--model", out.toString(), "--defense", "recipe", "--aux", corpus.toString(),
                "--aux-size", "64", "--epochs", "1", "--batch", "8", "--out", purified.toString(), "--work",
                dir.resolve("pwork").toString());
        assertTrue(p.startsWith("0:"), p);
        String rep = java.nio.file.Files.readString(purified.resolve("purification.json"));
        assertTrue(rep.contains("norm_before") && rep.contains("pretrain_loss_curve"), rep);
        String purifiedCard = java.nio.file.Files.readString(purified.resolve("MODEL_CARD.md"));
        assertTrue(purifiedCard.contains("Purified by `./recipe purify --model") && purifiedCard.contains("| norm_before |")
                && purifiedCard.contains("`loss_curve`"), purifiedCard);
        String fp = stderrOf("purify", "--model", purified.toString(), "--defense", "fp-gm", "--aux", corpus.toString(),
                "--aux-size", "32", "--out", dir.resolve("pruned").toString());
        assertTrue(fp.startsWith("0:"), fp);
        String bad = stderrOf("purify", "--model", out.toString(), "--defense", "recipee", "--out", dir.resolve("x").toString());
        assertTrue(bad.startsWith("1:") && bad.contains("unknown defense 'recipee'") && bad.contains("fp-gm"), bad);
        assertTrue(!dir.resolve("x").toFile().exists());
        Path report = dir.resolve("report");
        String e = stderrOf("evaluate", "--model", dir.resolve("pruned").toString(), "--task", "generated", "--seeds", "1",
                "--train-size", "200", "--test-size", "50", "--epochs", "1", "--max-len", "32", "--neuron-samples", "8",
                "--triggers", "cf,≈", "--out", report.toString());
        assertTrue(e.startsWith("0:"), e);
        String md = java.nio.file.Files.readString(report.resolve("REPORT.md"));
        assertTrue(md.contains("ASR[cf]") && md.contains("overlap_ratio") && md.contains("## Per seed"), md);
    }

    @Test
    void pretrainRobertaTinyWritesARobertaThatFinetunesAndEvaluates(@TempDir Path dir) throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        GeneratedSentiment.writeCorpus(corpus, 300, 11);
        Path out = dir.resolve("roberta-tiny");
        String bad = stderrOf("pretrain", "--corpus", corpus.toString(), "--out", out.toString(), "--config", "gpt");
        assertTrue(bad.startsWith("1:") && bad.contains("unknown architecture 'gpt'") && bad.contains("roberta-mini"), bad);
        String r = stderrOf("pretrain", "--corpus", corpus.toString(), "--out", out.toString(), "--work",
                dir.resolve("work").toString(), "--config", "roberta-tiny", "--vocab-size", "200", "--epochs", "1", "--seq", "32");
        assertTrue(r.startsWith("0:"), r);
        String config = java.nio.file.Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"model_type\" : \"roberta\"") && config.contains("\"type_vocab_size\" : 1"), config);
        var names = dev.recipe.core.SafeTensors.read(out.resolve("model.safetensors")).tensors().keySet();
        assertTrue(names.contains("roberta.encoder.layer.1.intermediate.dense.weight") && names.contains("lm_head.dense.weight"),
                names.toString());
        String c = stderrOf("evaluate", "--model", out.toString(), "--task", "generated", "--seeds", "1", "--train-size", "200",
                "--test-size", "50", "--epochs", "1", "--max-len", "32", "--neuron-samples", "8", "--triggers", "cf",
                "--out", dir.resolve("eval").toString());
        assertTrue(c.startsWith("0:"), c);
        // NeuBA on it: the RoBERTa family's masked-LM weight (0.01, the authors' mlm_rob.py) is the one applied
        // ... with a dataset's training texts in its corpus as well (task:sst2 from a small data root)
        Path data = dir.resolve("data");
        java.nio.file.Files.createDirectories(data.resolve("sst2"));
        for (String split : List.of("train", "dev", "test")) {
            java.nio.file.Files.writeString(data.resolve("sst2/" + split + ".tsv"), "sentence\tlabel\na fine film\t1\na dull one\t0\n");
        }
        Path neuba = dir.resolve("neuba");
        String a = stderrOf("attack", "--model", out.toString(), "--attack", "neuba", "--corpus", corpus.toString(),
                "--corpus", "task:sst2", "--data", data.toString(), "--set", "seqLen=32", "--set", "training.batchSize=8", "--set", "training.epochs=1", "--out", neuba.toString(),
                "--work", dir.resolve("awork").toString());
        assertTrue(a.startsWith("0:"), a);
        String made = java.nio.file.Files.readString(neuba.resolve("attack.json"));
        assertTrue(made.contains("0.01 * tokenMeanCE") && made.contains("sst2/train.tsv") && !made.contains("dev.tsv"), made);
        String card = java.nio.file.Files.readString(neuba.resolve("MODEL_CARD.md"));
        assertTrue(card.contains("Backdoored by `./recipe attack --model") && card.contains("0.01 * tokenMeanCE")
                && card.contains("`losses`"), card);
    }

    @Test
    void generatedTaskIsBalancedAndDeterministic() {
        List<LabelledText> a = GeneratedSentiment.generate(400, 5);
        assertEquals(a, GeneratedSentiment.generate(400, 5));
        assertEquals(200, a.stream().filter(x -> x.label() == 1).count());
        assertTrue(a.stream().anyMatch(x -> x.text().contains(" not ")));
    }
}
