package dev.recipe.app;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recipe.core.ConfigException;
import dev.recipe.core.ConfigOverrides;
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
 * @param plots       PNG figures drawn from the finished cells next to the tables (none when null)
 */
public record ExperimentConfig(String name, String description, String work, String out, String reference,
                               Criterion criterion, Evaluation evaluate, List<Step> models, List<Plot> plots) {

    /**
     * A figure: one line per (task, metric) over models placed at x positions, with mean ± sample std over seeds as
     * error bars, e.g. ACC and MASR after 1, 2, 3, 4, 8 purification epochs.
     *
     * @param file    PNG file name in the experiment's report directory
     * @param title   the figure's title
     * @param x       the x axis's label
     * @param points  model name → x position; models without finished cells are left out of the figure
     * @param metrics y values, any of {@link ExperimentPlots#METRICS}, in percent
     * @param logX    a logarithmic x axis (data sizes); every x must then be positive
     */
    public record Plot(String file, String title, String x, java.util.LinkedHashMap<String, Double> points,
                       List<String> metrics, Boolean logX) {
        public Plot {
            if (file == null || !file.matches("[A-Za-z0-9._-]+\\.png")) {
                throw new ConfigException("plots[].file: give a PNG file name such as \"dynamics.png\", got " + file);
            }
            if (points == null || points.isEmpty()) throw new ConfigException("plots['" + file + "'].points: map model names to x values");
            if (metrics == null || metrics.isEmpty()) throw new ConfigException("plots['" + file + "'].metrics: name at least one of " + ExperimentPlots.METRICS);
            for (String m : metrics) {
                if (!ExperimentPlots.METRICS.contains(m)) {
                    throw new ConfigException("plots['" + file + "'].metrics: unknown metric '" + m + "'; allowed: " + ExperimentPlots.METRICS);
                }
            }
            logX = logX != null && logX;
            if (logX) {
                for (var e : points.entrySet()) {
                    if (e.getValue() == null || e.getValue() <= 0) {
                        throw new ConfigException("plots['" + file + "'].points['" + e.getKey() + "']: a logarithmic x axis needs x > 0");
                    }
                }
            }
            title = title == null ? file : title;
            x = x == null ? "" : x;
            points = new java.util.LinkedHashMap<>(points);
            metrics = List.copyOf(metrics);
        }
    }

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
     * One model. Exactly one of: {@code model} (an existing directory or zoo:&lt;name&gt;); {@code pretrain} with
     * {@code corpus} (an architecture of {@code recipe pretrain --config}, e.g. "roberta-mini", pre-trained from
     * random weights on the corpus, with {@code args} such as ["--epochs", "7", "--lr", "5e-4"]; no {@code from});
     * {@code attack} with {@code corpus} (an attack config as {@code recipe attack --config} reads it, applied to
     * {@code from}); {@code defense} (a {@code recipe purify} defense applied to {@code from}, with {@code args} such
     * as ["--epochs", "2", "--aux-size", "2000"]).
     *
     * @param triggers  the triggers measured on this model; null = {@code evaluate.triggers}
     * @param tasks     a subset of {@code evaluate.tasks} for this model; null = all
     * @param evaluate  false: the model is only made (an intermediate step), not evaluated
     * @param paper     where this model's numbers stand in the paper ({@code configs/paper/recipe-paper.json}), for
     *                  REPRODUCTION.md; null = nowhere
     */
    public record Step(String name, String model, String pretrain, String from, ObjectNode attack, List<String> corpus,
                       String defense, List<String> args, String triggers, List<String> tasks, Boolean evaluate, Paper paper) {
        public Step {
            if (name == null || name.isBlank()) throw new ConfigException("models[].name: every model needs a name");
            int kinds = (model != null ? 1 : 0) + (pretrain != null ? 1 : 0) + (attack != null ? 1 : 0) + (defense != null ? 1 : 0);
            if (kinds != 1) {
                throw new ConfigException("models['" + name + "']: give exactly one of 'model', 'pretrain', 'attack' or 'defense'");
            }
            if (pretrain != null && from != null) {
                throw new ConfigException("models['" + name + "'].from: a 'pretrain' model starts from random weights, from nothing");
            }
            if (model == null && pretrain == null && from == null) {
                throw new ConfigException("models['" + name + "']: 'from' names the model it is made from");
            }
            // a vision attack reads its images from the task named by --images in its args instead of a corpus
            boolean images = attack != null && args != null && args.contains("--images");
            if ((attack != null || pretrain != null) && (corpus == null || corpus.isEmpty()) && !images) {
                throw new ConfigException("models['" + name + "']: " + (attack != null ? "an attack needs 'corpus' (poisoning text "
                        + "files), or for a vision model '--images TASK' in its args" : "pre-training needs 'corpus' (text files)"));
            }
            corpus = corpus == null ? List.of() : List.copyOf(corpus);
            args = args == null ? List.of() : List.copyOf(args);
            tasks = tasks == null ? null : List.copyOf(tasks);
            evaluate = evaluate == null ? Boolean.TRUE : evaluate;
        }

        /** Made by a command of the grid (pre-training, an attack or a defense), not given. */
        public boolean made() {
            return model == null;
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
     * "only-regularisation"), and the paper's model family the row stands for ("BERT", the default, "RoBERTa", "ViT", "VGG" or "CLIP").
     */
    public record Paper(List<String> tables, String attack, String defense, String model) {
        /** The paper's model families a grid's row can stand for. */
        public static final List<String> MODELS = List.of("BERT", "RoBERTa", "ViT", "VGG", "CLIP");

        public Paper {
            if (tables == null || tables.isEmpty()) throw new ConfigException("models[].paper.tables: name at least one table id");
            if (attack == null || defense == null) throw new ConfigException("models[].paper: give 'attack' and 'defense'");
            model = model == null ? "BERT" : model;
            if (!MODELS.contains(model)) {
                throw new ConfigException("models[].paper.model: '" + model + "' is not a model family this project's grids "
                        + "stand for in the paper's tables; allowed: " + MODELS + " (BERT the default)");
            }
            tables = List.copyOf(tables);
        }

        /** The attack as the report's tables name it: "NeuBA" for BERT, "NeuBA (RoBERTa)" for the other family. */
        public String attackLabel() {
            return labelFor(model, attack);
        }

        /** An attack name qualified by its model family, BERT's left bare. */
        public static String labelFor(String model, String attack) {
            return "BERT".equals(model) ? attack : attack + " (" + model + ")";
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
        plots = plots == null ? List.of() : List.copyOf(plots);
        Set<String> files = new HashSet<>();
        for (Plot p : plots) {
            if (!files.add(p.file())) throw new ConfigException("plots: the file '" + p.file() + "' is used twice");
            for (String m : p.points().keySet()) {
                if (!seen.contains(m)) throw new ConfigException("plots['" + p.file() + "'].points: '" + m + "' is not a model; models: " + seen);
            }
        }
    }

    /**
     * Reads an experiment from {@code file}. A model may be defined once and reused by other experiments:
     * {@code {"like": "attacks.json#NeuBA"}} takes every key of model "NeuBA" in {@code attacks.json} (a path relative
     * to this file; {@code #name} may be left out when the name is the same), and keys given beside {@code like}
     * replace the borrowed ones (e.g. {@code "paper"}). Borrowed models may themselves be {@code like} others.
     *
     * <p>Arguments many models share are written once under the top-level key {@code argSets}, e.g.
     * {@code "argSets": {"aux": ["--aux", "corpus.tsv", "--aux-size", "2000"]}}, and a model's {@code args} name a set
     * with {@code "@aux"}, which stands for the set's arguments at that place. A set is resolved in the file that
     * writes the reference (a borrowed model keeps its own file's sets), and the config as read holds the arguments
     * themselves, so a model's recipe does not depend on how its arguments were written.
     */
    public static ExperimentConfig read(Path file) {
        return read(file, null);
    }

    /**
     * As {@link #read(Path)}, with {@code --set key=value} overrides applied to the file's top-level keys after its
     * models are resolved (e.g. {@code out=experiments/other} and {@code evaluate.args=["--lr", "3e-4"]} run the same
     * grid under another protocol into another directory); null = none.
     */
    public static ExperimentConfig read(Path file, String[] sets) {
        ObjectNode root = readResolvingArgSets(file);
        if (root.get("models") instanceof ArrayNode models) {
            for (int i = 0; i < models.size(); i++) {
                if (models.get(i) instanceof ObjectNode step && step.has("like")) {
                    models.set(i, borrow(file, step, new ArrayDeque<>()));
                }
            }
        }
        ConfigOverrides.apply(root, sets);
        return Json.convert(root, ExperimentConfig.class, file + (sets == null ? "" : " with --set"));
    }

    /** The file's tree with every {@code "@set"} in a model's {@code args} replaced and {@code argSets} removed. */
    private static ObjectNode readResolvingArgSets(Path file) {
        ObjectNode root = Json.readTree(file);
        JsonNode sets = root.remove("argSets");
        if (sets != null && !(sets instanceof ObjectNode)) {
            throw new ConfigException(file + ": argSets: expected an object of named argument lists, e.g. "
                    + "{\"aux\": [\"--aux\", \"corpus.tsv\"]}");
        }
        if (sets != null) {
            sets.fields().forEachRemaining(e -> {
                if (!(e.getValue() instanceof ArrayNode a) || !allText(a)) {
                    throw new ConfigException(file + ": argSets['" + e.getKey() + "']: expected a list of strings");
                }
            });
        }
        if (root.get("models") instanceof ArrayNode models) {
            for (JsonNode m : models) {
                if (m instanceof ObjectNode step && step.get("args") instanceof ArrayNode args) {
                    step.set("args", resolveArgs(file, step.path("name").asText("?"), args, (ObjectNode) sets));
                }
            }
        }
        return root;
    }

    private static ArrayNode resolveArgs(Path file, String model, ArrayNode args, ObjectNode sets) {
        ArrayNode out = args.arrayNode();
        for (JsonNode a : args) {
            String t = a.asText();
            if (!a.isTextual() || !t.startsWith("@")) {
                out.add(a);
                continue;
            }
            JsonNode set = sets == null ? null : sets.get(t.substring(1));
            if (set == null) {
                List<String> known = new java.util.ArrayList<>();
                if (sets != null) sets.fieldNames().forEachRemaining(n -> known.add("@" + n));
                throw new ConfigException(file + ": models['" + model + "'].args: '" + t + "' names no argument set; "
                        + (known.isEmpty() ? "this file has no argSets" : "argSets has " + known));
            }
            out.addAll((ArrayNode) set);
        }
        return out;
    }

    private static boolean allText(ArrayNode a) {
        for (JsonNode n : a) if (!n.isTextual()) return false;
        return true;
    }

    private static ObjectNode borrow(Path file, ObjectNode step, Deque<String> chain) {
        String like = step.get("like").asText("");
        String local = step.hasNonNull("name") ? step.get("name").asText() : null;
        int hash = like.indexOf('#');
        String target = hash < 0 ? local : like.substring(hash + 1);
        String where = file + ": models['" + (local != null ? local : target) + "'].like '" + like + "'";
        if (like.isBlank() || hash == 0 || target == null || target.isBlank()) {
            throw new ConfigException(where + ": expected \"<file>#<model name>\" (the name may be left out when it is this "
                    + "model's own)");
        }
        Path other = file.resolveSibling(hash < 0 ? like : like.substring(0, hash));
        String key = other.toAbsolutePath().normalize() + "#" + target;
        if (chain.contains(key)) throw new ConfigException(where + ": circular 'like' chain " + chain + " -> " + key);
        chain.push(key);
        ObjectNode found = null;
        List<String> names = new java.util.ArrayList<>();
        if (readResolvingArgSets(other).get("models") instanceof ArrayNode models) {
            for (var m : models) {
                String n = m.path("name").asText(null);
                names.add(n);
                if (target.equals(n) && m instanceof ObjectNode o) found = o;
            }
        }
        if (found == null) throw new ConfigException(where + ": " + other + " has no model named '" + target + "'; it has " + names);
        ObjectNode merged = found.has("like") ? borrow(other, found, chain) : found.deepCopy();
        chain.pop();
        step.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("like")) merged.set(e.getKey(), e.getValue());
        });
        return merged;
    }

    /** The model made or named by step {@code name}. */
    public Step step(String stepName) {
        for (Step s : models) if (s.name().equals(stepName)) return s;
        throw new ConfigException("no model named '" + stepName + "'");
    }
}
