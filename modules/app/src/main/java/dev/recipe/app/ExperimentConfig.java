package dev.recipe.app;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;

/**
 * One experiment of {@code recipe experiment}: models made from one another (a starting model, attacks on it, defenses
 * on those), each fine-tuned and measured on the same downstream tasks, in one table. Read from JSON with
 * {@link #read}; unknown keys and inconsistent steps fail naming the file and the key.
 *
 * <pre>{@code
 * {"name": "attacks", "work": "runs/experiments/mini", "out": "experiments/mini",
 *  "reference": "bert-mini",
 *  "evaluate": {"tasks": ["sst2", "hsol", "agnews"], "seeds": [1, 2, 3], "trainSize": 1000, "testSize": 500},
 *  "models": [
 *    {"name": "bert-mini", "model": "zoo:bert-mini", "triggers": "neuba,words"},
 *    {"name": "NeuBA", "from": "bert-mini", "attack": {"name": "neuba", "seqLen": 64},
 *     "corpus": ["../shared/data/text-corpus/bookcorpus_recipe_20k.tsv"], "triggers": "neuba"},
 *    {"name": "NeuBA + RECIPE", "from": "NeuBA", "defense": "recipe", "args": ["--epochs", "2"], "triggers": "neuba"}]}
 * }</pre>
 *
 * @param name        the experiment's name (titles, default directories)
 * @param description what it shows, for the report
 * @param work        where made models and their checkpoints go (large; not committed)
 * @param out         where evaluations ({@code eval/<model>/}, shared by the experiments with the same out) and this
 *                    experiment's tables ({@code <name>/}) go; small, committed so the reports regenerate
 * @param reference   the model every other is compared with (ΔACC); null = the first
 * @param criterion   an optional pass mark shown per row (e.g. "the backdoor survives fine-tuning")
 * @param evaluate    the downstream evaluation every model gets
 * @param models      the models, each made from an earlier one
 */
public record ExperimentConfig(String name, String description, String work, String out, String reference,
                               Criterion criterion, Evaluation evaluate, List<Step> models) {

    /**
     * The downstream evaluation ({@code recipe evaluate} flags).
     *
     * @param tasks     task names ({@code Datasets}) or "generated"
     * @param seeds     fine-tuning seeds
     * @param trainSize stratified training subsample (0 = all)
     * @param testSize  stratified test and dev subsample (0 = all)
     * @param triggers  default trigger list of every model ({@code --triggers})
     * @param args      further {@code recipe evaluate} flags, e.g. ["--epochs", "3"]
     */
    public record Evaluation(List<String> tasks, List<Long> seeds, int trainSize, int testSize, String triggers,
                             List<String> args) {
        public Evaluation {
            if (tasks == null || tasks.isEmpty()) throw new ConfigException("evaluate.tasks: give at least one task");
            if (seeds == null || seeds.isEmpty()) throw new ConfigException("evaluate.seeds: give at least one seed");
            if (trainSize < 0 || testSize < 0) throw new ConfigException("evaluate.trainSize / testSize must be >= 0");
            tasks = List.copyOf(tasks);
            seeds = List.copyOf(seeds);
            triggers = triggers == null ? "neuba,words" : triggers;
            args = args == null ? List.of() : List.copyOf(args);
        }
    }

    /**
     * A pass mark per (model, task) row: MASR at least {@code masrAtLeast} and ACC at most {@code accDropAtMost}
     * below the reference's (fractions; either may be null). Applies to the models named in {@code models}.
     */
    public record Criterion(String label, Double masrAtLeast, Double accDropAtMost, List<String> models) {
        public Criterion {
            if (label == null || label.isBlank()) throw new ConfigException("criterion.label: give a short label");
            models = models == null ? List.of() : List.copyOf(models);
        }
    }

    /**
     * One model. Exactly one of: {@code model} (an existing directory or zoo:&lt;name&gt;); {@code attack} with
     * {@code corpus} (an attack config as {@code recipe attack --config} reads it, applied to {@code from});
     * {@code defense} (a {@code recipe purify} defense applied to {@code from}, with {@code args} such as
     * ["--epochs", "2", "--aux-size", "2000"]).
     *
     * @param triggers  the triggers measured on this model; null = {@code evaluate.triggers}
     * @param tasks     a subset of {@code evaluate.tasks} for this model; null = all
     * @param evaluate  false: the model is only made (an intermediate step), not evaluated
     * @param paper     where this model's numbers stand in the paper ({@code configs/paper/recipe-paper.json}), for
     *                  REPRODUCTION.md; null = nowhere
     */
    public record Step(String name, String model, String from, ObjectNode attack, List<String> corpus, String defense,
                       List<String> args, String triggers, List<String> tasks, Boolean evaluate, Paper paper) {
        public Step {
            if (name == null || name.isBlank()) throw new ConfigException("models[].name: every model needs a name");
            int kinds = (model != null ? 1 : 0) + (attack != null ? 1 : 0) + (defense != null ? 1 : 0);
            if (kinds != 1) {
                throw new ConfigException("models['" + name + "']: give exactly one of 'model', 'attack' or 'defense'");
            }
            if (model == null && from == null) throw new ConfigException("models['" + name + "']: 'from' names the model it is made from");
            if (attack != null && (corpus == null || corpus.isEmpty())) {
                throw new ConfigException("models['" + name + "']: an attack needs 'corpus' (poisoning text files)");
            }
            corpus = corpus == null ? List.of() : List.copyOf(corpus);
            args = args == null ? List.of() : List.copyOf(args);
            tasks = tasks == null ? null : List.copyOf(tasks);
            evaluate = evaluate == null ? Boolean.TRUE : evaluate;
        }

        /** A directory-safe name: lower case, runs of other characters as '-'. */
        public String slug() {
            String s = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
            return s.isEmpty() ? "model" : s;
        }
    }

    /**
     * The paper's labels for a model: the tables its rows belong to and the attack / defense names used there
     * ("NeuBA", "POR", "BadPre" or "none"; "none", "clean", "RECIPE", "FP", "FP-GM", "FP-GA", "only-pretrain",
     * "only-regularisation").
     */
    public record Paper(List<String> tables, String attack, String defense) {
        public Paper {
            if (tables == null || tables.isEmpty()) throw new ConfigException("models[].paper.tables: name at least one table id");
            if (attack == null || defense == null) throw new ConfigException("models[].paper: give 'attack' and 'defense'");
            tables = List.copyOf(tables);
        }
    }

    public ExperimentConfig {
        if (name == null || name.isBlank()) throw new ConfigException("name: give the experiment a name");
        if (evaluate == null) throw new ConfigException("evaluate: missing (tasks, seeds, trainSize, testSize)");
        if (models == null || models.isEmpty()) throw new ConfigException("models: give at least one model");
        models = List.copyOf(models);
        work = work == null ? "runs/experiments/" + name : work;
        out = out == null ? "experiments/" + name : out;
        Set<String> seen = new HashSet<>();
        Set<String> slugs = new HashSet<>();
        for (Step s : models) {
            if (s.from() != null && !seen.contains(s.from())) {
                throw new ConfigException("models['" + s.name() + "'].from: '" + s.from() + "' is not an earlier model; "
                        + "earlier: " + seen);
            }
            if (!seen.add(s.name())) throw new ConfigException("models: the name '" + s.name() + "' is used twice");
            if (!slugs.add(s.slug())) throw new ConfigException("models: '" + s.name() + "' has the same directory name as an earlier model");
            if (s.tasks() != null && !evaluate.tasks().containsAll(s.tasks())) {
                throw new ConfigException("models['" + s.name() + "'].tasks: " + s.tasks() + " is not a subset of evaluate.tasks "
                        + evaluate.tasks());
            }
        }
        reference = reference == null ? models.get(0).name() : reference;
        if (!seen.contains(reference)) throw new ConfigException("reference: '" + reference + "' is not a model; models: " + seen);
        if (criterion != null) {
            for (String m : criterion.models()) {
                if (!seen.contains(m)) throw new ConfigException("criterion.models: '" + m + "' is not a model; models: " + seen);
            }
        }
    }

    public static ExperimentConfig read(Path file) {
        return Json.read(file, ExperimentConfig.class);
    }

    /** The model made or named by step {@code name}. */
    public Step step(String stepName) {
        for (Step s : models) if (s.name().equals(stepName)) return s;
        throw new ConfigException("no model named '" + stepName + "'");
    }
}
