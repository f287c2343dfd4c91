package dev.recipe.app;

import dev.recipe.zoo.vision.VisionModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.AtomicFiles;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.eval.ResultRecord;
import dev.recipe.eval.ResultTable;
import dev.recipe.eval.SeedSummary;
import dev.recipe.eval.TargetLabelRule;
import dev.recipe.eval.Trigger;
import dev.recipe.eval.TriggerInsertion;
import dev.recipe.eval.Triggers;
import dev.recipe.text.data.Dataset;
import dev.recipe.text.data.Datasets;
import dev.recipe.vision.CheckerboardTriggers;
import dev.recipe.vision.ImageDataset;
import dev.recipe.zoo.Zoo;
import dev.recipe.zoo.bert.PretrainedBert;
import dev.recipe.zoo.tasks.DownstreamEvaluation;
import dev.recipe.zoo.tasks.Finetuning;
import dev.recipe.zoo.tasks.ImageEvaluation;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code recipe evaluate}: fine-tunes a pre-trained (or backdoored, or purified) model on downstream tasks over
 * several seeds and writes ACC, macro-F1, ASR per trigger, AASR, MASR and the neuron analysis as JSON, CSV and
 * Markdown, one record per seed plus mean ± std. Finished (task, seed) cells are not run again.
 */
final class EvaluateCommand implements Main.Command {
    static final String EXAMPLE = "./recipe evaluate --model zoo:bert-mini --task sst2,hsol,agnews --seeds 1,2,3 "
            + "--train-size 2000 --test-size 1000 --out experiments/evaluation/bert-mini-clean";

    @Override
    public String summary() {
        return "fine-tune on tasks over seeds; ACC, macro-F1, ASR/AASR/MASR per trigger, neuron overlap";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        o.addOption(Cli.opt("model", "DIR", "model directory or zoo:<name>, default zoo:bert-mini"));
        o.addOption(Cli.opt("name", "TEXT", "name of the model in the tables, default the directory name"));
        o.addOption(Cli.opt("task", "LIST", "comma-separated: " + String.join(", ", Datasets.names()) + ", generated; for a "
                + "vision model (model_type vit, vgg or clip): " + String.join(", ", ImageDataset.tasksWith("train")) + " (default gtsrb)"));
        o.addOption(Cli.opt("data", "DIR", "data root with sst2/, hsol/, agnews/ (default ../shared/data)"));
        o.addOption(Cli.opt("out", "DIR", "report directory (cells/ keeps finished runs; resumable)"));
        o.addOption(Cli.opt("seeds", "LIST", "fine-tuning seeds, default 1,2,3"));
        o.addOption(Cli.opt("train-size", "N", "stratified training subsample, default 0 = all (images: split evenly over the "
                + "classes, the first by file name)"));
        o.addOption(Cli.opt("test-size", "N", "stratified test subsample, default 0 = all"));
        o.addOption(Cli.opt("subsample-seed", "N", "seed of the subsamples, default 7"));
        o.addOption(Cli.opt("epochs", "N", "default 3 (paper)"));
        o.addOption(Cli.opt("lr", "X", "default 1e-4 (mini scale; paper 2e-5 at base scale)"));
        o.addOption(Cli.opt("batch", "N", "default 32 (paper)"));
        o.addOption(Cli.opt("max-len", "N", "default 128 (paper)"));
        o.addOption(Cli.opt("pooler", "MODE", "keep (default, as RECIPE's code) or reinit"));
        o.addOption(Cli.opt("selection", "MODE", "last (default, as RECIPE's code) or best-dev"));
        o.addOption(Cli.opt("group-by-length", null, "fine-tune on batches of texts of similar length, in a "
                + "shuffled order (HuggingFace's group_by_length with the batches shuffled: 43-46 % fewer token positions "
                + "on 1,000 SST-2 or AG News texts; default: random batches)"));
        o.addOption(Cli.opt("triggers", "LIST", "comma-separated triggers, or the sets neuba, words, phrases; "
                + "default neuba,words"));
        o.addOption(Cli.opt("insertion", "RULE", "authors (default: RECIPE's seeded CPython position), first, last, random"));
        o.addOption(Cli.opt("insertion-seed", "N", "seed of --insertion random, default 1"));
        o.addOption(Cli.opt("target-rule", "RULE", "max (default, paper), dev-majority, or a label number"));
        o.addOption(Cli.opt("neuron-samples", "N", "test samples in the neuron analysis, default 256 (0 = skip)"));
        o.addOption(Cli.opt("record-card", null, "write the dev accuracies (SST-2 when evaluated, else the first task) into "
                + "the model's evaluation.json and MODEL_CARD.md (pre-trained vs random initialisation)"));
        o.addOption(Cli.opt("init", "MODE", "pretrained (default) or random: the same architecture from random weights"));
        CommandLine cl = Cli.parse("evaluate", EXAMPLE, o, args);
        if (cl == null) return 0;
        if (!cl.hasOption("out")) throw new ConfigException("--out is required (" + EXAMPLE + ")");
        Path out = Path.of(cl.getOptionValue("out"));
        Path modelDir = Zoo.resolve(cl.getOptionValue("model", "zoo:" + Zoo.BERT_MINI));
        String name = cl.getOptionValue("name", modelDir.getFileName().toString());
        Path dataRoot = Path.of(cl.getOptionValue("data", "../shared/data"));
        if (VisionModels.isVision(modelDir)) return evaluateImages(cl, out, modelDir, name, dataRoot, args);
        List<Long> seeds = longs(cl.getOptionValue("seeds", "1,2,3"), "--seeds");
        Finetuning.Config ft = new Finetuning.Config(Cli.integer(cl, "epochs", 3), Cli.real(cl, "lr", 1e-4),
                Cli.integer(cl, "batch", 32), Cli.integer(cl, "max-len", 128), 0.0, seeds.get(0),
                choice(cl, "pooler", "keep", Map.of("keep", Finetuning.PoolerMode.KEEP, "reinit", Finetuning.PoolerMode.REINIT)),
                choice(cl, "selection", "last", Map.of("last", Finetuning.Selection.LAST_EPOCH, "best-dev", Finetuning.Selection.BEST_ON_DEV)),
                cl.hasOption("group-by-length"));
        DownstreamEvaluation.Config cfg = new DownstreamEvaluation.Config(ft, triggers(cl.getOptionValue("triggers", "neuba,words")),
                insertion(cl.getOptionValue("insertion", "authors"), Cli.integer(cl, "insertion-seed", 1)),
                rule(cl.getOptionValue("target-rule", "max")), seeds, Cli.integer(cl, "train-size", 0),
                Cli.integer(cl, "test-size", 0), Cli.integer(cl, "subsample-seed", 7), Cli.integer(cl, "neuron-samples", 256),
                choice(cl, "init", "pretrained", Map.of("pretrained", false, "random", true)));

        List<String> tasks = List.of(cl.getOptionValue("task", "generated").split(","));
        List<Dataset> datasets = new ArrayList<>();
        for (String t : tasks) datasets.add(t.strip().equals("generated") ? generated() : Datasets.load(t.strip(), dataRoot));
        PretrainedBert.tokenizerFiles(modelDir); // a missing model directory fails here, before --out is created
        Files.createDirectories(out.resolve("cells"));
        String command = "./recipe evaluate " + String.join(" ", args);
        List<ResultRecord> perSeed = new ArrayList<>();
        List<ResultRecord> neurons = new ArrayList<>();
        for (Dataset d : datasets) {
            System.out.println(d.summary());
            DownstreamEvaluation.Outcome r = DownstreamEvaluation.run(name, modelDir, d, cfg, out.resolve("cells"), command);
            perSeed.addAll(r.perSeed());
            neurons.addAll(r.neurons());
        }
        // the tables cover every finished cell in the directory, also those of earlier invocations (other tasks)
        perSeed = cells(out.resolve("cells"), "-seed");
        neurons = cells(out.resolve("cells"), "-neurons");
        write(out, name, cfg, command, perSeed, neurons);
        if (cl.hasOption("record-card")) recordCard(modelDir, cfg, command, perSeed);
        return 0;
    }

    /**
     * A vision model ({@code model_type} vit or vgg): per image task and seed, {@link ImageEvaluation#runCells} (fresh head,
     * fine-tune, clean ACC, ASR per checkerboard trigger), then the per-seed and summary tables and REPORT.md.
     * {@code --train-size} / {@code --test-size} are split evenly over the classes (the first images by file name).
     */
    static int evaluateImages(CommandLine cl, Path out, Path modelDir, String name, Path dataRoot, String[] args)
            throws java.io.IOException {
        List<Long> seeds = longs(cl.getOptionValue("seeds", "1,2,3"), "--seeds");
        ImageEvaluation.Config cfg = new ImageEvaluation.Config(Cli.integer(cl, "epochs", 3), Cli.real(cl, "lr", 1e-4),
                Cli.integer(cl, "batch", 32), 0.0, seeds.get(0));
        String command = "./recipe evaluate " + String.join(" ", args);
        List<ResultRecord> perSeed = new ArrayList<>();
        for (String task : cl.getOptionValue("task", "gtsrb").split(",")) {
            task = task.strip();
            ImageDataset probe = ImageDataset.load(task, "test", dataRoot, 1);
            int classes = probe.classes().size();
            int trainSize = Cli.integer(cl, "train-size", 0), testSize = Cli.integer(cl, "test-size", 0);
            ImageDataset train = ImageDataset.load(task, "train", dataRoot, trainSize == 0 ? 0 : (trainSize + classes - 1) / classes);
            ImageDataset test = ImageDataset.load(task, "test", dataRoot, testSize == 0 ? 0 : (testSize + classes - 1) / classes);
            System.out.printf("%s: %d training images %s, %d test images%n", task, train.images().size(),
                    java.util.Arrays.toString(train.countsPerClass()), test.images().size());
            perSeed.addAll(ImageEvaluation.runCells(name, modelDir, train, test, cfg, seeds, out.resolve("cells"), command));
        }
        perSeed = cells(out.resolve("cells"), "-seed");
        List<String> metrics = new ArrayList<>(List.of("ACC", "macro_F1", "AASR", "MASR"));
        for (int t = 0; t < CheckerboardTriggers.count(); t++) metrics.add("ASR[" + CheckerboardTriggers.name(t) + "]");
        List<ResultRecord> summary = SeedSummary.summarise(perSeed, List.of("model", "init", "task"), metrics);
        new ResultTable(perSeed).writeAll(out, "per-seed");
        new ResultTable(summary).writeAll(out, "summary");
        String md = "# Downstream evaluation: " + name + "\n\nGenerated by `" + command + "`; every per-seed record in "
                + "`per-seed.json` carries its provenance (git revision, library versions, data and model sha256).\n\n"
                + "Protocol (SPEC §7, vision): a fresh linear classifier on the class token, every parameter fine-tuned ("
                + cfg.epochs() + " epochs, AdamW lr " + cfg.learningRate() + ", batch " + cfg.batchSize() + "); ACC and "
                + "macro-F1 on the clean test images; for each of NeuBA's six checkerboard triggers the test images with it "
                + "pasted in the lower-right corner, ASR_t^C = share of images whose true label is not C predicted C, ASR_t "
                + "the maximum over C, AASR the mean over triggers, MASR the maximum. Values are percent, mean ± sample "
                + "std over seeds " + seeds + ".\n\n## Summary\n\n" + new ResultTable(summary).toMarkdown()
                + "\n## Per seed\n\n" + new ResultTable(perSeed).toMarkdown() + "\n";
        AtomicFiles.writeString(out.resolve("REPORT.md"), md);
        System.out.println(new ResultTable(summary).toMarkdown());
        System.out.println("wrote " + out.resolve("REPORT.md") + ", summary.*, per-seed.*");
        return 0;
    }

    /**
     * Merges this run's dev accuracies (one initialisation) on one task (SST-2 when evaluated, else the first) into the
     * model's evaluation.json and re-renders the card: the record of whether pre-training beats random initialisation.
     * The one writer of evaluation.json.
     */
    static void recordCard(Path modelDir, DownstreamEvaluation.Config cfg, String command, List<ResultRecord> perSeed)
            throws java.io.IOException {
        if (perSeed.isEmpty()) throw new ConfigException("--record-card: no finished cells to record");
        String task = perSeed.stream().anyMatch(r -> "sst2".equals(r.get("task"))) ? "sst2" : (String) perSeed.get(0).get("task");
        List<Double> dev = new ArrayList<>();
        long trainSize = -1;
        long devSize = -1;
        for (ResultRecord r : perSeed) {
            if (!task.equals(r.get("task"))) continue;
            dev.add(((Number) r.get("dev_ACC_last_epoch")).doubleValue());
            trainSize = ((Number) r.get("train_examples")).longValue();
            devSize = ((Number) r.get("dev_examples")).longValue();
        }
        Path evFile = modelDir.resolve("evaluation.json");
        String init = cfg.randomInit() ? "random" : "pretrained";
        String description = "sst2".equals(task)
                ? String.format("Fine-tuned on a stratified subsample of %d SST-2 training sentences (seed %d), "
                + "evaluated on SST-2 dev (%s); %s. Made by `recipe evaluate`.", trainSize, cfg.subsampleSeed(),
                "872 sentences" + (cfg.testSize() > 0 && cfg.testSize() < 872 ? ", subsampled to " + cfg.testSize() : ""),
                cfg.finetune().describe())
                : String.format("Fine-tuned on %d %s training examples (stratified subsample, seed %d), evaluated on its "
                + "dev set (%d examples); %s. Made by `recipe evaluate`.", trainSize, task, cfg.subsampleSeed(), devSize,
                cfg.finetune().describe());
        // one check per protocol (training size, settings): a new protocol is added next to the earlier ones
        List<Map<String, Object>> checks = new ArrayList<>();
        if (Files.exists(evFile)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> old = Json.MAPPER.readValue(evFile.toFile(), Map.class);
            if (old.get("checks") instanceof List<?> l) {
                for (Object o : l) {
                    @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) o;
                    checks.add(new LinkedHashMap<>(c));
                }
            } else if (old.containsKey("description")) {
                checks.add(new LinkedHashMap<>(old)); // the single-protocol layout of earlier cards
            }
        }
        Map<String, Object> check = null;
        for (Map<String, Object> c : checks) if (description.equals(c.get("description"))) check = c;
        if (check == null) {
            check = new LinkedHashMap<>();
            checks.add(check);
        }
        check.put("metric", "ACC (" + task + " dev)");
        check.put("description", description);
        Object prevCmd = check.get("command");
        check.put("command", prevCmd == null || prevCmd.toString().contains(command) ? (prevCmd == null ? command : prevCmd)
                : prevCmd + "` and `" + command);
        check.put(init, Map.of("seeds", cfg.seeds(), "per_seed", dev,
                "mean", dev.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("checks", checks);
        Json.write(evFile, ev);
        ModelCard.write(modelDir, modelDir.getFileName().toString());
        System.out.println("recorded " + init + " " + task + " dev accuracies in " + evFile + " and MODEL_CARD.md");
    }

    static void write(Path out, String name, DownstreamEvaluation.Config cfg, String command, List<ResultRecord> perSeed,
                      List<ResultRecord> neurons) {
        List<String> metrics = new ArrayList<>(List.of("ACC", "macro_F1", "AASR", "MASR"));
        for (Trigger t : cfg.triggers()) metrics.add("ASR[" + t.text() + "]");
        List<String> devMetrics = List.of("dev_ACC_last_epoch");
        List<String> all = new ArrayList<>(metrics);
        all.addAll(devMetrics);
        List<ResultRecord> summary = SeedSummary.summarise(perSeed, List.of("model", "init", "task"), all);
        new ResultTable(perSeed).writeAll(out, "per-seed");
        new ResultTable(summary).writeAll(out, "summary");
        if (!neurons.isEmpty()) new ResultTable(neurons).writeAll(out, "neurons");
        Map<String, Object> resolved = new LinkedHashMap<>(cfg.describe());
        resolved.put("command", command);
        resolved.put("model", name);
        Json.write(out.resolve("config.json"), resolved);
        ResultTable sumTable = new ResultTable(summary);
        StringBuilder md = new StringBuilder();
        md.append("# Downstream evaluation: ").append(name).append("\n\n");
        md.append("Generated by `").append(command).append("` (resolved settings in `config.json`; every per-seed record ")
          .append("in `per-seed.json` carries its provenance: git revision, library versions, data and model sha256).\n\n");
        md.append("Protocol (SPEC §7): fine-tune a fresh linear classifier on the pooler output, all parameters trainable; ")
          .append("ACC and macro-F1 on the clean test set; for each trigger the test set with the trigger inserted once per ")
          .append("sample (").append(cfg.insertion()).append("), ASR_t^C = share of samples whose true label is not C that ")
          .append("are predicted C, ASR_t by the rule ").append(cfg.rule()).append(", AASR = mean over triggers, ")
          .append("MASR = max. On a clean model these ASRs are the floor. Values are percent, mean ± sample std over ")
          .append(cfg.seeds().size()).append(" seeds ").append(cfg.seeds()).append(".\n\n");
        Map<String, String> sizes = new LinkedHashMap<>();
        for (ResultRecord r : perSeed) {
            sizes.put(r.get("task") + " (" + r.get("init") + ")", r.get("train_examples") + " train / " + r.get("dev_examples")
                    + " dev / " + r.get("test_examples") + " test");
        }
        md.append("Fine-tuning: ").append(cfg.finetune().describe()).append(". Subsamples (stratified, seed ")
          .append(cfg.subsampleSeed()).append("; the 2-core budget): ").append(sizes)
          .append(".\n\n## Summary\n\n").append(sumTable.toMarkdown()).append("\n");
        if (!neurons.isEmpty()) {
            md.append("## Neurons (pre-trained encoder, before fine-tuning)\n\n").append(NEURON_NOTE).append("\n\n")
              .append(new ResultTable(neurons).toMarkdown()).append("\n");
        }
        md.append("## Per seed\n\n").append(new ResultTable(perSeed).toMarkdown()).append("\n");
        AtomicFiles.writeString(out.resolve("REPORT.md"), md.toString());
        System.out.println(sumTable.toMarkdown());
        if (!neurons.isEmpty()) System.out.println(new ResultTable(neurons).toMarkdown());
        System.out.println("wrote " + out.resolve("REPORT.md") + ", summary.*, per-seed.*, neurons.*, config.json");
    }

    static final String NEURON_NOTE = "Neurons = first-token outputs of every intermediate dense layer (before GELU); "
            + "activated = value > 0 after the activation. Overlap ratio = A / B with A = neurons active on both a clean "
            + "sample and its triggered copy, B = neurons active on the triggered copy, summed over pairs; poison-only = "
            + "neurons active on the triggered copy only, mean per sample.";

    static List<ResultRecord> cells(Path dir, String marker) throws java.io.IOException {
        List<ResultRecord> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().contains(marker)).sorted().toList()) {
                out.addAll(ResultTable.readJson(f).records());
            }
        }
        return out;
    }

    static Dataset generated() {
        return new Dataset("generated", List.of("negative", "positive"), GeneratedSentiment.generate(2000, 11),
                GeneratedSentiment.generate(300, 13), GeneratedSentiment.generate(500, 12), Map.of(),
                "GeneratedSentiment: train seed 11 (2000), dev seed 13 (300), test seed 12 (500)");
    }

    static List<Trigger> triggers(String spec) {
        List<Trigger> out = new ArrayList<>();
        for (String s : spec.split(",")) {
            String t = s.strip();
            switch (t) {
                case "neuba" -> out.addAll(Triggers.NEUBA_SYMBOLS);
                case "words" -> out.addAll(Triggers.BADPRE_WORDS);
                case "phrases" -> out.addAll(Triggers.POR_PHRASES);
                case "" -> throw new ConfigException("--triggers: empty entry in '" + spec + "'");
                default -> out.add(Trigger.of(t));
            }
        }
        return out;
    }

    static TriggerInsertion insertion(String rule, long seed) {
        return switch (rule) {
            case "authors" -> TriggerInsertion.authorsRecipe();
            case "first" -> TriggerInsertion.first();
            case "last" -> TriggerInsertion.last();
            case "random" -> TriggerInsertion.random(seed);
            default -> throw new ConfigException("--insertion must be authors, first, last or random, was '" + rule + "'");
        };
    }

    static TargetLabelRule rule(String r) {
        if (r.equals("max")) return TargetLabelRule.maxOverLabels();
        if (r.equals("dev-majority")) return TargetLabelRule.devMajority();
        try {
            return TargetLabelRule.fixed(Integer.parseInt(r));
        } catch (NumberFormatException e) {
            throw new ConfigException("--target-rule must be max, dev-majority or a label number, was '" + r + "'");
        }
    }

    static <T> T choice(CommandLine cl, String opt, String dflt, Map<String, T> allowed) {
        String v = cl.getOptionValue(opt, dflt);
        T t = allowed.get(v);
        if (t == null) throw new ConfigException("--" + opt + " must be one of " + allowed.keySet() + ", was '" + v + "'");
        return t;
    }

    static List<Long> longs(String s, String opt) {
        List<Long> out = new ArrayList<>();
        for (String p : s.split(",")) {
            try {
                out.add(Long.parseLong(p.strip()));
            } catch (NumberFormatException e) {
                throw new ConfigException(opt + ": '" + p + "' is not an integer");
            }
        }
        return out;
    }
}
