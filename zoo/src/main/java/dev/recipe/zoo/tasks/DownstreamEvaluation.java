package dev.recipe.zoo.tasks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.AtomicFiles;
import dev.recipe.core.Checksums;
import dev.recipe.core.Json;
import dev.recipe.core.Provenance;
import dev.recipe.core.SafeTensors;
import dev.recipe.eval.AttackReport;
import dev.recipe.eval.AttackSuccess;
import dev.recipe.eval.ClassificationMetrics;
import dev.recipe.eval.Poisoning;
import dev.recipe.eval.ResultRecord;
import dev.recipe.eval.ResultTable;
import dev.recipe.eval.TargetLabelRule;
import dev.recipe.eval.Trigger;
import dev.recipe.eval.TriggerInsertion;
import dev.recipe.eval.TriggerOutcome;
import dev.recipe.text.Tokenizer;
import dev.recipe.text.LabelledText;
import dev.recipe.text.data.Dataset;
import dev.recipe.text.data.Subsample;
import dev.recipe.zoo.analysis.NeuronOverlap;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertConfig;
import dev.recipe.zoo.bert.BertModel;
import dev.recipe.zoo.bert.PretrainedBert;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Measures a pre-trained model the way the papers do (SPEC §7): for every seed, fine-tune a fresh classifier on the
 * task, then ACC and macro-F1 on the clean test set and, for every trigger, the predictions on the test set with the
 * trigger inserted, giving ASR per trigger and target label, ASR_t, AASR and MASR under the recorded target-label
 * rule (for a clean model these are the floor). The neuron analysis (overlap ratio, poison-only neurons) runs once
 * per trigger on the pre-trained encoder, before fine-tuning, since it does not depend on the seed.
 *
 * <p>Each (task, seed) cell is written as one JSON record under {@code cellsDir}; a cell whose file exists is read
 * back instead of being run again, so an interrupted evaluation resumes.
 */
public final class DownstreamEvaluation {
    private DownstreamEvaluation() {}

    /**
     * @param finetune       fine-tuning settings; its seed is replaced by each of {@code seeds}
     * @param triggers       the triggers to measure; at least one
     * @param insertion      where triggers go (recorded); RECIPE's code: the authors' seeded CPython position
     * @param rule           how each trigger's target label is chosen (paper: max over labels)
     * @param trainSize      training examples per run (stratified subsample, seed {@code subsampleSeed}); 0 = all
     * @param testSize       test examples (stratified subsample); 0 = all; the dev set is subsampled to the same size
     * @param neuronSamples  clean test samples paired with their poisoned copies in the neuron analysis; 0 = skip
     * @param randomInit     fine-tune the same architecture from random initialisation instead of the model's
     *                       weights (the baseline that shows what pre-training is worth)
     */
    public record Config(Finetuning.Config finetune, List<Trigger> triggers, TriggerInsertion insertion,
                         TargetLabelRule rule, List<Long> seeds, int trainSize, int testSize, long subsampleSeed,
                         int neuronSamples, boolean randomInit) {
        public Config {
            triggers = List.copyOf(triggers);
            seeds = List.copyOf(seeds);
            if (triggers.isEmpty()) throw new IllegalArgumentException("no triggers to evaluate: give at least one");
            if (seeds.isEmpty()) throw new IllegalArgumentException("no seeds: give at least one");
            if (trainSize < 0 || testSize < 0 || neuronSamples < 0) {
                throw new IllegalArgumentException("trainSize, testSize and neuronSamples must be >= 0");
            }
        }

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("finetune", finetune.describe());
            m.put("triggers", triggers.stream().map(Trigger::text).toList());
            m.put("insertion", insertion.describe());
            m.put("target_label_rule", rule.describe());
            m.put("seeds", seeds);
            m.put("train_size", trainSize);
            m.put("test_size", testSize);
            m.put("subsample_seed", subsampleSeed);
            m.put("neuron_samples", neuronSamples);
            m.put("init", randomInit ? "random" : "pretrained");
            return m;
        }
    }

    /** What one evaluation produced: a record per seed and a record per trigger of the neuron analysis. */
    public record Outcome(List<ResultRecord> perSeed, List<ResultRecord> neurons) {}

    public static Outcome run(String modelName, Path modelDir, Dataset data, Config cfg, Path cellsDir,
                              String command) {
        Tokenizer tok = PretrainedBert.tokenizer(modelDir);
        int numLabels = data.labelNames().size();
        List<LabelledText> train = cfg.trainSize() == 0 || cfg.trainSize() >= data.train().size() ? data.train()
                : Subsample.stratified(data.train(), cfg.trainSize(), cfg.subsampleSeed());
        List<LabelledText> test = cfg.testSize() == 0 || cfg.testSize() >= data.test().size() ? data.test()
                : Subsample.stratified(data.test(), cfg.testSize(), cfg.subsampleSeed());
        List<LabelledText> dev = cfg.testSize() == 0 || cfg.testSize() >= data.dev().size() ? data.dev()
                : Subsample.stratified(data.dev(), cfg.testSize(), cfg.subsampleSeed());
        Map<String, Path> inputs = new LinkedHashMap<>();
        data.files().forEach((role, p) -> inputs.put(data.name() + "." + role, p));
        inputs.put("model_weights", modelDir.resolve(BertModel.WEIGHTS_FILE));
        PretrainedBert.tokenizerFiles(modelDir).forEach((role, p) -> inputs.put("model_" + role, p)); // model_vocab (+ model_merges)

        List<ResultRecord> neurons = new ArrayList<>();
        if (cfg.neuronSamples() > 0) {
            Path cell = cellsDir.resolve(data.name() + (cfg.randomInit() ? "-random" : "") + "-neurons.json");
            if (Files.isRegularFile(cell)) {
                List<ResultRecord> earlier = ResultTable.readJson(cell).records();
                for (ResultRecord r : earlier) checkCell(cell, r, neuronSettings(cfg.describe()), modelDir, true);
                neurons.addAll(earlier);
            } else {
                neurons.addAll(neuronRecords(modelName, modelDir, tok, data, test, cfg, command, inputs));
                new ResultTable(neurons).writeJson(cell);
            }
        }
        List<ResultRecord> perSeed = new ArrayList<>();
        for (long seed : cfg.seeds()) {
            Path cell = cellsDir.resolve(data.name() + (cfg.randomInit() ? "-random" : "") + "-seed" + seed + ".json");
            if (Files.isRegularFile(cell)) {
                List<ResultRecord> earlier = ResultTable.readJson(cell).records();
                for (ResultRecord r : earlier) checkCell(cell, r, cellSettings(resolved(cfg, data, modelName)), modelDir, false);
                perSeed.addAll(earlier);
                System.out.printf("%s seed %d: done earlier (%s)%n", data.name(), seed, cell);
                continue;
            }
            // fine-tuning checkpoints of this cell, so a process stopped by the native-memory limit resumes it
            Path work = cfg.finetune().selection() == Finetuning.Selection.LAST_EPOCH
                    ? cellsDir.resolve(".work").resolve(cell.getFileName().toString().replace(".json", "")) : null;
            ResultRecord r = oneSeed(modelName, modelDir, tok, data, train, dev, test, numLabels, cfg, seed, command, inputs, work);
            new ResultTable(List.of(r)).writeJson(cell);
            if (work != null) AtomicFiles.deleteRecursively(work);
            perSeed.add(r);
        }
        return new Outcome(perSeed, neurons);
    }

    private static ResultRecord oneSeed(String modelName, Path modelDir, Tokenizer tok, Dataset data,
                                        List<LabelledText> train, List<LabelledText> dev, List<LabelledText> test,
                                        int numLabels, Config cfg,
                                        long seed, String command, Map<String, Path> inputs, Path work) {
        long start = System.nanoTime();
        Finetuning.Config fc = cfg.finetune().withSeed(seed);
        BertModel model = cfg.randomInit()
                ? Bert.build(BertConfig.read(modelDir.resolve(BertModel.CONFIG_FILE)), Bert.Heads.classification(numLabels),
                        DataType.FLOAT, seed)
                : BertModel.load(modelDir, Bert.Heads.classification(numLabels), DataType.FLOAT, seed);
        // no test set here: the clean predictions below are the test accuracy (passing it would predict it twice)
        Finetuning.Result fr = Finetuning.run(model, tok, train, dev, List.of(), fc, work);
        int[] labels = Poisoning.labels(test);
        int[] pred = Finetuning.predict(model, tok, test, fc.maxLen());
        ClassificationMetrics clean = ClassificationMetrics.of(labels, pred, numLabels);
        List<TriggerOutcome> outcomes = new ArrayList<>();
        for (Trigger t : cfg.triggers()) {
            List<LabelledText> poisoned = Poisoning.poisonAll(test, t, cfg.insertion());
            TriggerOutcome o = TriggerOutcome.fromPoisonedAll(t.text(), labels,
                    Finetuning.predict(model, tok, poisoned, fc.maxLen()), numLabels);
            if (cfg.rule().kind() == TargetLabelRule.Kind.DEV_MAJORITY) {
                o = o.withDev(Finetuning.predict(model, tok, Poisoning.poisonAll(dev, t, cfg.insertion()),
                        fc.maxLen()));
            }
            outcomes.add(o);
        }
        AttackReport report = AttackSuccess.evaluate(outcomes, cfg.rule());
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s seed %d: ACC %.4f macro-F1 %.4f AASR %.4f MASR %.4f (%s) in %.0f s%n", data.name(), seed,
                clean.accuracy(), clean.macroF1(), report.aasr(), report.masr(), report.masrTrigger(), seconds);
        Map<String, Object> resolved = resolved(cfg, data, modelName);
        return ResultRecord.builder()
                .put("model", modelName)
                .put("task", data.name())
                .put("init", cfg.randomInit() ? "random" : "pretrained")
                .put("seed", seed)
                .put("train_examples", train.size())
                .put("dev_examples", dev.size())
                .put("test_examples", test.size())
                .put("ACC", clean.accuracy())
                .put("macro_F1", clean.macroF1())
                .putAll(report.flat())
                .put("dev_ACC_last_epoch", fr.devAccuracy().isEmpty() ? null : fr.devAccuracy().get(fr.devAccuracy().size() - 1))
                .put("chosen_epoch", fr.chosenEpoch())
                .put("final_train_loss", fr.training().finalLoss())
                .put("seconds", Math.round(seconds))
                .provenance(Provenance.capture(command, seed, resolved, inputs))
                .provenance(MODEL_TENSORS_KEY, SafeTensors.contentSha256(modelDir.resolve(BertModel.WEIGHTS_FILE)))
                .provenance(MADE_FROM_KEY, madeFrom(modelDir))
                .provenance("attack_report", report.toMap())
                .provenance("confusion", clean.toMap())
                .build();
    }

    private static List<ResultRecord> neuronRecords(String modelName, Path modelDir, Tokenizer tok, Dataset data,
                                                    List<LabelledText> test, Config cfg, String command,
                                                    Map<String, Path> inputs) {
        BertModel encoder = cfg.randomInit()
                ? Bert.build(BertConfig.read(modelDir.resolve(BertModel.CONFIG_FILE)), Bert.Heads.encoderOnly(), DataType.FLOAT, 0)
                : BertModel.load(modelDir, Bert.Heads.encoderOnly(), DataType.FLOAT, 0);
        List<LabelledText> clean = test.subList(0, Math.min(cfg.neuronSamples(), test.size()));
        List<ResultRecord> out = new ArrayList<>();
        Provenance prov = Provenance.capture(command, cfg.subsampleSeed(), cfg.describe(), inputs);
        String tensors = SafeTensors.contentSha256(modelDir.resolve(BertModel.WEIGHTS_FILE));
        for (Trigger t : cfg.triggers()) {
            List<LabelledText> poisoned = Poisoning.poisonAll(clean, t, cfg.insertion());
            NeuronOverlap o = NeuronOverlap.measure(encoder.graph(), encoder.spec(), tok, clean, poisoned,
                    cfg.finetune().maxLen(), encoder.config().maxTokens(), DataType.FLOAT);
            Map<String, Object> s = o.summary();
            ResultRecord.Builder b = ResultRecord.builder().put("model", modelName).put("task", data.name())
                    .put("trigger", t.text()).put("samples", o.samples()).put("overlap_ratio", NeuronOverlap.finiteOrNull(o.overlapRatio()))
                    .put("poison_only_per_sample", NeuronOverlap.finiteOrNull(o.poisonOnlyPerSample()))
                    .put("neurons_per_sample", o.neuronsPerSample());
            b.provenance("per_layer_overlap", s.get("overlap_ratio_per_layer"));
            b.provenance("definition", NeuronOverlap.DEFINITION);
            b.provenance(prov);
            b.provenance(MODEL_TENSORS_KEY, tensors);
            out.add(b.build());
        }
        return out;
    }

    /** The resolved settings recorded in every per-seed cell. */
    private static Map<String, Object> resolved(Config cfg, Dataset data, String modelName) {
        Map<String, Object> resolved = new LinkedHashMap<>(cfg.describe());
        resolved.put("task", data.name());
        resolved.put("dataset", data.derivation());
        resolved.put("model", modelName);
        return resolved;
    }

    /**
     * The settings a per-seed cell's numbers depend on: everything resolved except the list of seeds (a cell is one
     * seed; adding seeds reuses the others), the fine-tuning seed inside it (the cell's own) and the neuron sample
     * count (a separate cell), as plain JSON values so that a map read back from a file compares equal.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> cellSettings(Map<String, Object> resolved) {
        Map<String, Object> m = Json.MAPPER.convertValue(resolved, Map.class);
        m.remove("seeds");
        m.remove("neuron_samples");
        Object ft = m.get("finetune");
        if (ft instanceof Map<?, ?> f) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) f);
            copy.remove("seed");
            m.put("finetune", copy);
        }
        return m;
    }

    /** The settings a neuron cell depends on: triggers, insertion, test subsample, sample count, max length, init. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> neuronSettings(Map<String, Object> resolved) {
        Map<String, Object> all = Json.MAPPER.convertValue(resolved, Map.class);
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("triggers", "insertion", "test_size", "subsample_seed", "neuron_samples", "init")) m.put(k, all.get(k));
        Object ft = all.get("finetune");
        m.put("max_len", ft instanceof Map<?, ?> f ? f.get("max_len") : null);
        return m;
    }

    /**
     * Whether the finished cells in {@code cellsDir} were made from the weights now in {@code modelDir}: null when every
     * cell that records an identity matches, else a sentence naming the first cell that does not and both identities.
     * For a caller that reuses finished cells without running anything (an experiment grid whose model was re-made,
     * numerically not bit for bit, on another machine).
     */
    public static String otherModel(Path cellsDir, Path modelDir) throws java.io.IOException {
        if (!Files.isDirectory(cellsDir)) return null;
        try (var cells = Files.list(cellsDir)) {
            for (Path cell : cells.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                for (ResultRecord r : ResultTable.readJson(cell).records()) {
                    String d = modelDifference(r, modelDir);
                    if (d != null) return cell + " records " + d;
                }
            }
        }
        return null;
    }

    /**
     * How the model a cell records differs from the weights in {@code modelDir}, or null when it does not (or the cell
     * records none): by {@link #MODEL_TENSORS_KEY} when the cell has it, else by the weights file's sha256.
     */
    private static String modelDifference(ResultRecord r, Path modelDir) {
        Path weights = modelDir.resolve(BertModel.WEIGHTS_FILE);
        Object tensors = r.provenance().get(MODEL_TENSORS_KEY);
        if (tensors != null) {
            // the tensors, not the file: a model re-made bit for bit on another machine or by another revision may
            // carry other header metadata
            String now = SafeTensors.contentSha256(weights);
            return now.equals(tensors) ? null : "model tensors sha256: cell " + tensors + ", now " + now;
        }
        if (r.provenance().get("inputSha256") instanceof Map<?, ?> sums) {
            Object f = sums.get("model_weights (" + weights.getFileName() + ")");
            String now = f == null ? null : Checksums.sha256(weights);
            return f == null || now.equals(f) ? null : "model weights sha256: cell " + f + ", now " + now;
        }
        return null;
    }

    /**
     * Provenance key of a cell's model identity: {@link SafeTensors#contentSha256} of the weights (cells written before
     * it existed carry only the file's sha256 under inputSha256, which is compared instead).
     */
    static final String MODEL_TENSORS_KEY = "model_tensors_sha256";

    /**
     * Provenance key of the weights file (sha256) a made model was made from, as its own provenance.json records it
     * (an attack's input "model", a purification's "model_weights"): lets a report see that a defended model was made
     * from another copy of its parent than the one the parent's cells measured. Null for a model with no such record.
     */
    public static final String MADE_FROM_KEY = "made_from_weights_sha256";

    static String madeFrom(Path modelDir) {
        Path f = modelDir.resolve("provenance.json");
        if (!Files.isRegularFile(f)) return null;
        Object sums = Json.read(f, Map.class).get("inputSha256");
        if (!(sums instanceof Map<?, ?> m)) return null;
        for (String key : List.of("model", "model_weights")) {
            Object v = m.get(key + " (" + BertModel.WEIGHTS_FILE + ")");
            if (v != null) return v.toString();
        }
        return null;
    }

    /**
     * A finished cell is reused only when it was made from the same model weights with the same settings; otherwise
     * its numbers would silently stand for another experiment, so this fails naming the file and what differs.
     */
    @SuppressWarnings("unchecked")
    static void checkCell(Path cell, ResultRecord r, Map<String, Object> expected, Path modelDir, boolean neurons) {
        Object cfgObj = r.provenance().get("config");
        if (!(cfgObj instanceof Map<?, ?> recorded)) {
            throw new IllegalStateException(cell + ": no recorded settings (provenance.config); delete it to run the cell again");
        }
        Map<String, Object> actual = neurons ? neuronSettings((Map<String, Object>) recorded)
                : cellSettings((Map<String, Object>) recorded);
        List<String> diffs = new ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            // compared as canonical JSON: a file read back may hold 16 as a Long where the live settings hold an Integer
            if (!Json.write(expected.get(k)).equals(Json.write(actual.get(k)))) {
                diffs.add(k + ": cell " + actual.get(k) + ", now " + expected.get(k));
            }
        }
        String model = modelDifference(r, modelDir);
        if (model != null) diffs.add(model);
        if (!diffs.isEmpty()) {
            throw new IllegalStateException(cell + " was made with other settings or another model, so it is not reused: "
                    + String.join("; ", diffs) + ". Use another --out, or delete the cell to run it again.");
        }
    }
}
