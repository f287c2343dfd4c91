package dev.recipe.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.AtomicFiles;
import dev.recipe.core.Checksums;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.eval.ResultRecord;
import dev.recipe.eval.ResultTable;
import dev.recipe.eval.SeedStats;
import dev.recipe.zoo.Zoo;
import dev.recipe.zoo.bert.BertModel;
import dev.recipe.zoo.tasks.DownstreamEvaluation;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code recipe experiment --config FILE}: makes every model of an {@link ExperimentConfig} (attacks and defenses, each
 * a {@link Stage} in a child JVM), evaluates each on the downstream tasks ({@code <out>/eval/<model>/}), and writes
 * one table comparing them ({@code <out>/<name>/REPORT.md}, {@code results.json/csv/md}). Resumable at
 * every level: a made model is not made again, a training stage resumes from its checkpoint, an evaluation from its
 * finished cells; {@code --report-only} rebuilds the tables from the committed cells without running anything.
 */
final class ExperimentCommand implements Main.Command {
    static final String EXAMPLE = "./recipe experiment --config configs/experiments/attacks.json";

    @Override
    public String summary() {
        return "run a grid (models made by attacks / defenses, evaluated on tasks) from a JSON config; resumable";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        o.addOption(Cli.opt("config", "FILE", "experiment config (JSON), e.g. configs/experiments/attacks.json; may be given "
                + "several times: the grids run as one schedule (a model they share is made once), --plan prints what all "
                + "of them together leave to run"));
        o.addOption(Cli.opt("only", "LIST", "comma-separated model names: make and evaluate only these (and what they are made from)"));
        o.addOption(Cli.opt("report-only", null, "rebuild the tables from the finished cells in the output directory"));
        o.addOption(Cli.opt("plan", null, "print what is left to make and evaluate, and an estimate of the time, then stop"));
        o.addOption(Cli.opt("jobs", "N", "run up to N stages (making or evaluating a model) side by side, each with cores/N threads "
                + "and 1/N of the memory, its output in <work>/logs/<model>-<make|evaluate>.log (default 1: one at a time, "
                + "on this console). On 2 cores, 2 does about 1.3x the work per hour"));
        o.addOption(Cli.opt("publish", "MODEL=NAME", "copy a model this grid has made into zoo/models/NAME with the recipe "
                + "that made it, then stop; a grid that must make a model by the same recipe copies it from the zoo instead "
                + "(e.g. --publish NeuBA=neuba-mini; may be given several times)"));
        o.addOption(Cli.opt("set", "KEY=VALUE", "override a key of every --config, e.g. out=experiments/other or "
                + "'evaluate.args=[\"--lr\", \"3e-4\"]' (a value is JSON when it parses, else a string); repeatable"));
        CommandLine cl = Cli.parse("experiment", EXAMPLE, o, args);
        if (cl == null) return 0;
        if (!cl.hasOption("config")) throw new ConfigException("--config is required (" + EXAMPLE + ")");
        List<Path> cfgFiles = java.util.Arrays.stream(cl.getOptionValues("config")).map(Path::of).toList();
        List<ExperimentConfig> cfgs = new ArrayList<>();
        String[] sets = cl.getOptionValues("set");
        for (Path f : cfgFiles) cfgs.add(ExperimentConfig.read(f, sets));
        String setArgs = sets == null ? "" : java.util.Arrays.stream(sets).map(v -> " --set '" + v + "'")
                .collect(java.util.stream.Collectors.joining());
        if (cl.hasOption("publish")) {
            for (String p : cl.getOptionValues("publish")) {
                Published pub = publish(cfgs, p, dev.recipe.zoo.Zoo.root());
                Path to = pub.dir();
                // a pre-trained model keeps the card `recipe pretrain` wrote (its loss curve, data, time)
                if (Files.isRegularFile(to.resolve("attack.json")) || Files.isRegularFile(to.resolve("purification.json"))) {
                    ModelCard.writePublished(to, to.getFileName().toString(), pub.model(), cfgFiles.get(pub.grid()));
                }
                System.out.printf("published %s as %s (%s)%n", p.substring(0, p.lastIndexOf('=')), ZooReuse.label(to), to);
            }
            return 0;
        }
        long t0 = System.nanoTime();
        if (!cl.hasOption("report-only")) {
            if (cl.hasOption("plan") && cfgs.size() > 1) {
                if (cl.hasOption("only")) throw new ConfigException("--plan with several --config takes no --only");
                System.out.println(planUnion(cfgs));
                return 0;
            }
            List<Item> items = items(cfgs, cl.getOptionValue("only"));
            if (cl.hasOption("plan")) {
                ExperimentConfig cfg = cfgs.get(0);
                java.util.Set<String> needed = needed(items).getOrDefault(cfg, java.util.Set.of());
                System.out.println("== " + new Progress(items).remaining());
                for (Item it : items) {
                    ExperimentConfig.Step s = it.step();
                    boolean made = Files.isDirectory(modelDir(cfg, s));
                    ExperimentConfig.Step parent = parent(cfg, s);
                    Path zoo = made || !needed.contains(s.name()) ? null : fromZoo(cfg, s); // hashes the parent's weights
                    String state = made ? "ready"
                            : s.model() != null ? (parent != null ? "made by " + parent.name() : "missing: " + modelDir(cfg, s))
                            : !needed.contains(s.name()) ? "not needed (cells finished)"
                            : zoo != null ? "in the zoo as " + ZooReuse.label(zoo) + " (copied, not made)"
                            : "to make";
                    System.out.printf("   %-32s %s, %d cells to evaluate%n", s.name(), state, missingCells(cfg, s));
                }
                return 0;
            }
            int jobs = Cli.integer(cl, "jobs", 1);
            if (jobs < 1) throw new ConfigException("--jobs must be at least 1, was " + jobs);
            run(items, jobs, t0, Stage::run);
        }
        for (int i = 0; i < cfgs.size(); i++) {
            Files.createDirectories(Path.of(cfgs.get(i).out()));
            report(cfgs.get(i), cfgFiles.get(i) + setArgs, Path.of(cfgs.get(i).out()));
        }
        System.out.printf("experiment %s: %s%n", String.join(", ", cfgs.stream().map(ExperimentConfig::name).toList()), elapsed(t0));
        return 0;
    }

    /** The names of the models the items need, per grid: {@link #needed} over that grid's selected steps. */
    static Map<ExperimentConfig, java.util.Set<String>> needed(List<Item> items) {
        Map<ExperimentConfig, List<ExperimentConfig.Step>> byGrid = new java.util.IdentityHashMap<>();
        for (Item it : items) byGrid.computeIfAbsent(it.cfg(), c -> new ArrayList<>()).add(it.step());
        Map<ExperimentConfig, java.util.Set<String>> needed = new java.util.IdentityHashMap<>();
        byGrid.forEach((cfg, steps) -> needed.put(cfg, needed(cfg, steps)));
        return needed;
    }

    /**
     * A step of one grid. Grids given together run as one schedule in which a model (its directory) and a model's
     * evaluation directory are shared: configs with the same work and out directories make a model once.
     */
    record Item(ExperimentConfig cfg, ExperimentConfig.Step step) {
        Path modelKey() {
            return modelDir(cfg, step).toAbsolutePath().normalize();
        }

        Path evalKey() {
            return Path.of(cfg.out()).resolve("eval").resolve(step.slug()).toAbsolutePath().normalize();
        }

        /** The step its model is made from, in the same grid; null for a model given by path or name. */
        Item parent() {
            ExperimentConfig.Step p = ExperimentCommand.parent(cfg, step);
            return p == null ? null : new Item(cfg, p);
        }
    }

    /**
     * The steps to run of every grid: all, or those named in {@code only} (comma-separated) and what they are made
     * from. A name must be a model of at least one grid.
     */
    static List<Item> items(List<ExperimentConfig> cfgs, String only) {
        List<Item> items = new ArrayList<>();
        java.util.Set<String> known = new java.util.TreeSet<>();
        for (ExperimentConfig cfg : cfgs) cfg.models().forEach(s -> known.add(s.name()));
        if (only != null) {
            for (String n : only.split(",")) {
                if (!known.contains(n.strip())) {
                    throw new ConfigException("--only: no model named '" + n.strip() + "' in "
                            + String.join(", ", cfgs.stream().map(ExperimentConfig::name).toList()) + "; the models are " + known);
                }
            }
        }
        for (ExperimentConfig cfg : cfgs) {
            String mine = only;
            if (only != null && cfgs.size() > 1) {
                // the names this grid has; a grid with none of them adds nothing
                List<String> here = java.util.Arrays.stream(only.split(",")).map(String::strip)
                        .filter(n -> cfg.models().stream().anyMatch(s -> s.name().equals(n))).toList();
                if (here.isEmpty()) continue;
                mine = String.join(",", here);
            }
            for (ExperimentConfig.Step s : selected(cfg, mine)) items.add(new Item(cfg, s));
        }
        return items;
    }

    /**
     * Checks every made model's recipe, decides what must be made (models whose cells are left, and what they are
     * made from) and runs the schedule, {@code jobs} stages at a time.
     */
    static void run(List<Item> items, int jobs, long t0, Schedule.Runner runner) throws Exception {
        java.util.Set<Path> toMake = new java.util.LinkedHashSet<>();
        Map<ExperimentConfig, java.util.Set<String>> needed = needed(items);
        for (Item it : items) {
            ExperimentConfig cfg = it.cfg();
            ExperimentConfig.Step s = it.step();
            Path dir = modelDir(cfg, s);
            if (s.model() != null) {
                System.out.printf("== %s: %s%n", s.name(), dir);
            } else if (Files.isDirectory(dir)) {
                checkRecipe(cfg, s, Path.of(cfg.work()));
                System.out.printf("== %s: made earlier, %s%n", s.name(), dir);
            } else if (!needed.get(cfg).contains(s.name())) {
                System.out.printf("== %s: not made (its cells are finished and no model left to evaluate is made from it)%n", s.name());
            } else {
                checkRecipe(cfg, s, Path.of(cfg.work()));
                Path zoo = fromZoo(cfg, s);
                if (zoo != null) {
                    ZooReuse.copy(zoo, dir);
                    System.out.printf("== %s: copied from %s, made by the same recipe (%s)%n", s.name(), ZooReuse.label(zoo),
                            zoo.resolve(ZooReuse.RECIPE_FILE));
                } else {
                    toMake.add(it.modelKey());
                }
            }
        }
        Progress progress = new Progress(items, toMake);
        System.out.println("== " + progress.remaining());
        new Schedule(items, toMake, progress, jobs, t0, runner).run();
    }

    /**
     * Runs the stages of one or more grids, up to {@code jobs} at a time (each a child JVM): a model is made once the
     * model it is made from is there, and evaluated once it is made; evaluations into the same directory run one after
     * another. With more than one job each stage gets cores/jobs threads and 1/jobs of the memory, and writes its
     * output to {@code <work>/logs/<model>-make.log} or {@code -evaluate.log}. Two single-threaded stages side by side
     * do about 1.3x the work of one two-threaded stage on 2 cores (BENCHMARKS.md, "Stages side by side"): much of a
     * step is single-threaded session overhead.
     */
    static final class Schedule {
        /** Runs one stage to its end ({@link Stage#run} in a grid; something that records the calls in tests). */
        interface Runner {
            void run(Stage.Share share, String[] args) throws Exception;
        }

        private final Runner runner;
        private final List<Item> items;
        private final java.util.Set<Path> toMake;
        private final Progress progress;
        private final int jobs;
        private final long t0;
        private final Map<Path, java.util.concurrent.CompletableFuture<Void>> made = new java.util.HashMap<>();
        private final Map<Path, java.util.concurrent.CompletableFuture<Void>> evaluated = new java.util.HashMap<>();
        private final java.util.concurrent.ExecutorService pool;
        private final java.util.concurrent.CompletableFuture<Void> failed = new java.util.concurrent.CompletableFuture<>();

        Schedule(List<Item> items, java.util.Set<Path> toMake, Progress progress, int jobs, long t0, Runner runner) {
            this.runner = runner;
            this.items = items;
            this.toMake = toMake;
            this.progress = progress;
            this.jobs = jobs;
            this.t0 = t0;
            this.pool = java.util.concurrent.Executors.newFixedThreadPool(jobs);
        }

        void run() throws Exception {
            List<java.util.concurrent.CompletableFuture<Void>> all = new ArrayList<>();
            for (Item it : items) {
                all.add(made(it));
                if (!it.step().evaluate()) continue;
                java.util.concurrent.CompletableFuture<Void> before = evaluated.getOrDefault(it.evalKey(),
                        java.util.concurrent.CompletableFuture.completedFuture(null));
                java.util.concurrent.CompletableFuture<Void> f = java.util.concurrent.CompletableFuture.allOf(made(it), before)
                        .thenRunAsync(() -> stage(() -> evaluate(it)), pool);
                evaluated.put(it.evalKey(), f);
                all.add(f);
            }
            java.util.concurrent.CompletableFuture<Void> done = java.util.concurrent.CompletableFuture.allOf(
                    all.toArray(java.util.concurrent.CompletableFuture[]::new));
            try {
                // the first failure stops the rest (running stages are interrupted, which stops their child JVMs)
                java.util.concurrent.CompletableFuture.anyOf(done, failed).join();
            } catch (java.util.concurrent.CompletionException e) {
                pool.shutdownNow();
                Throwable c = e.getCause();
                while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) c = c.getCause();
                if (c instanceof Exception x) throw x;
                throw e;
            }
            pool.shutdown();
        }

        /** Completes when the item's model is on disk: at once, or after what it is made from and then itself. */
        private java.util.concurrent.CompletableFuture<Void> made(Item it) {
            java.util.concurrent.CompletableFuture<Void> f = made.get(it.modelKey());
            if (f != null) return f;
            Item parent = it.parent();
            java.util.concurrent.CompletableFuture<Void> before = parent == null
                    ? java.util.concurrent.CompletableFuture.completedFuture(null) : made(parent);
            f = toMake.contains(it.modelKey()) ? before.thenRunAsync(() -> stage(() -> make(it)), pool) : before;
            made.put(it.modelKey(), f);
            return f;
        }

        private interface Body {
            void run() throws Exception;
        }

        private void stage(Body body) {
            try {
                body.run();
            } catch (Exception e) {
                failed.completeExceptionally(e);
                throw new java.util.concurrent.CompletionException(e);
            }
        }

        private Stage.Share share(Item it, String what) {
            return jobs == 1 ? Stage.Share.WHOLE
                    : Stage.Share.oneOf(jobs, Path.of(it.cfg().work()).resolve("logs").resolve(it.step().slug() + "-" + what + ".log"));
        }

        private void make(Item it) throws Exception {
            ExperimentConfig cfg = it.cfg();
            ExperimentConfig.Step s = it.step();
            Stage.Share share = share(it, "make");
            synchronized (progress) {
                System.out.printf("== [%s] make %s%s; %s%n", elapsed(t0), s.name(), share.log() == null ? "" : " (log " + share.log() + ")",
                        progress.remaining());
            }
            long t = System.nanoTime();
            runner.run(share, makeArgs(cfg, s, modelDir(cfg, s), Path.of(cfg.work())).toArray(String[]::new));
            synchronized (progress) {
                progress.made(Progress.kindOf(it.step()), (System.nanoTime() - t) / jobs);
                System.out.printf("== [%s] made %s; %s%n", elapsed(t0), s.name(), progress.remaining());
            }
        }

        private void evaluate(Item it) throws Exception {
            ExperimentConfig cfg = it.cfg();
            ExperimentConfig.Step s = it.step();
            int cells = missingCells(cfg, s);
            if (cells == 0) {
                // nothing to run: the committed cells stand. A model re-made on another machine may differ from the
                // one they measured (floating-point sums are not bit-identical across CPUs and revisions); say so
                Path cellsDir = Path.of(cfg.out()).resolve("eval").resolve(s.slug()).resolve("cells");
                String other = s.model() != null || !Files.isDirectory(modelDir(cfg, s)) ? null
                        : DownstreamEvaluation.otherModel(cellsDir, modelDir(cfg, s));
                if (other != null) {
                    System.out.printf("== %s: its finished cells measured another copy of this model (%s); models made "
                            + "from it here use the copy on disk. To evaluate this copy, delete %s.%n", s.name(), other, cellsDir);
                }
                return;
            }
            Stage.Share share = share(it, "evaluate");
            synchronized (progress) {
                System.out.printf("== [%s] evaluate %s (%d cells to run)%s; %s%n", elapsed(t0), s.name(), cells,
                        share.log() == null ? "" : " (log " + share.log() + ")", progress.remaining());
            }
            long t = System.nanoTime();
            runner.run(share, evaluateArgs(cfg, s).toArray(String[]::new));
            synchronized (progress) {
                progress.evaluated(Progress.cellKind(cfg, s), cells, (System.nanoTime() - t) / jobs);
                System.out.printf("== [%s] evaluated %s; %s%n", elapsed(t0), s.name(), progress.remaining());
            }
        }
    }

    /**
     * What is left to run and how long it should take: models to pre-train, attacks and defenses to make and (task,
     * seed) cells to evaluate (text and image cells apart: an image cell takes a third of a text cell's time), each
     * kind timed by the average of this run so far, or by its prior ({@link #PRETRAIN_MINUTES}, {@link #ATTACK_MINUTES},
     * {@link #DEFENSE_MINUTES}, {@link #CELL_MINUTES}, {@link #IMAGE_CELL_MINUTES}) until one of that kind has finished.
     */
    static final class Progress {
        enum Kind { PRETRAIN, ATTACK, DEFENSE, CELL, IMAGE_CELL }

        private static final double[] PRIOR_SECONDS = {PRETRAIN_MINUTES * 60, ATTACK_MINUTES * 60, DEFENSE_MINUTES * 60,
                CELL_MINUTES * 60, IMAGE_CELL_MINUTES * 60};
        private final int[] left = new int[Kind.values().length];
        private final long[] nanos = new long[Kind.values().length];
        private final int[] done = new int[Kind.values().length];

        Progress(int attacks, int defenses, int cells) {
            this(0, attacks, defenses, cells, 0);
        }

        Progress(int pretrains, int attacks, int defenses, int cells, int imageCells) {
            left[Kind.PRETRAIN.ordinal()] = pretrains;
            left[Kind.ATTACK.ordinal()] = attacks;
            left[Kind.DEFENSE.ordinal()] = defenses;
            left[Kind.CELL.ordinal()] = cells;
            left[Kind.IMAGE_CELL.ordinal()] = imageCells;
        }

        /** The models in {@code toMake} (keys of items), and every item's missing cells (a shared cell counted once). */
        Progress(List<Item> items, java.util.Set<Path> toMake) {
            this(kindCount(items, toMake, Kind.PRETRAIN), kindCount(items, toMake, Kind.ATTACK),
                    kindCount(items, toMake, Kind.DEFENSE), 0, 0);
            java.util.Set<Path> seen = new java.util.HashSet<>();
            for (Item it : items) {
                if (seen.add(it.evalKey())) left[cellKind(it.cfg(), it.step()).ordinal()] += missingCells(it.cfg(), it.step());
            }
        }

        /** For a plan: what the items leave to make (the models whose cells are left, and what they are made from). */
        Progress(List<Item> items) {
            this(items, toMake(items, needed(items)));
        }

        private static int kindCount(List<Item> items, java.util.Set<Path> toMake, Kind kind) {
            return (int) items.stream().filter(it -> toMake.contains(it.modelKey()) && kindOf(it.step()) == kind)
                    .map(Item::modelKey).distinct().count();
        }

        private static java.util.Set<Path> toMake(List<Item> items, Map<ExperimentConfig, java.util.Set<String>> needed) {
            java.util.Set<Path> keys = new java.util.HashSet<>();
            for (Item it : items) {
                if (it.step().model() == null && !Files.isDirectory(it.modelKey())
                        && needed.get(it.cfg()).contains(it.step().name()) && fromZoo(it.cfg(), it.step()) == null) {
                    keys.add(it.modelKey());
                }
            }
            return keys;
        }

        /** A task's cells: image cells for an image task, else text cells. */
        static Kind cellKind(String task) {
            return dev.recipe.vision.ImageDataset.tasks().contains(task) ? Kind.IMAGE_CELL : Kind.CELL;
        }

        /** A step's cells: image cells when every task it is evaluated on is an image task, else text cells. */
        static Kind cellKind(ExperimentConfig cfg, ExperimentConfig.Step s) {
            List<String> tasks = s.tasks() == null ? cfg.evaluate().tasks() : s.tasks();
            return !tasks.isEmpty() && tasks.stream().allMatch(t -> cellKind(t) == Kind.IMAGE_CELL) ? Kind.IMAGE_CELL : Kind.CELL;
        }

        /** How a made step is made (a given model counts as a defense: it never is made). */
        static Kind kindOf(ExperimentConfig.Step s) {
            return s.pretrain() != null ? Kind.PRETRAIN : s.attack() != null ? Kind.ATTACK : Kind.DEFENSE;
        }

        void made(Kind kind, long nanos) {
            left[kind.ordinal()]--;
            record(kind, 1, nanos);
        }

        void evaluated(Kind cells, int ran, long nanos) {
            left[cells.ordinal()] -= ran;
            if (ran > 0) record(cells, ran, nanos);
        }

        private void record(Kind kind, int n, long ns) {
            nanos[kind.ordinal()] += ns;
            done[kind.ordinal()] += n;
        }

        private double seconds(Kind kind) {
            int k = kind.ordinal();
            return done[k] == 0 ? PRIOR_SECONDS[k] : nanos[k] / 1e9 / done[k];
        }

        /** Seconds left, one stage at a time. */
        long eta() {
            double s = 0;
            for (Kind k : Kind.values()) s += left[k.ordinal()] * seconds(k);
            return Math.round(s);
        }

        String remaining() {
            long eta = eta();
            boolean prior = java.util.Arrays.stream(done).sum() == 0;
            int models = left[Kind.PRETRAIN.ordinal()] + left[Kind.ATTACK.ordinal()] + left[Kind.DEFENSE.ordinal()];
            return String.format("left: %d models to make, %d cells to evaluate, about %dh%02dm%s", models,
                    left[Kind.CELL.ordinal()] + left[Kind.IMAGE_CELL.ordinal()], eta / 3600, eta / 60 % 60,
                    prior ? " (prior estimate)" : "");
        }
    }

    /** Prior cost of making a model or evaluating a cell (2 threads, one stage at a time), from mini runs on 2 cores. */
    static final double ATTACK_MINUTES = 25, DEFENSE_MINUTES = 4, CELL_MINUTES = 3;

    /** Prior cost of an image cell (1,000 training / 500 test images, 3 epochs): 45-70 s two side by side (session 29). */
    static final double IMAGE_CELL_MINUTES = 1;

    /**
     * Prior cost of pre-training a mini model from random weights: 7 epochs of the mini corpora (roberta-mini,
     * session 20: 71 min on 2 threads with 5 native-memory restarts; bert-mini took ~105 min on older code).
     */
    static final double PRETRAIN_MINUTES = 75;

    /**
     * What several grids together leave to run: a model or a cell shared by several configs (same work or out
     * directory) counts once. One line per config, then the union with its prior estimate.
     */
    static String planUnion(List<ExperimentConfig> cfgs) {
        java.util.Set<Path> pretrains = new java.util.HashSet<>(), attacks = new java.util.HashSet<>(), defenses = new java.util.HashSet<>();
        java.util.Set<Path> cells = new java.util.HashSet<>(), imageCells = new java.util.HashSet<>();
        StringBuilder sb = new StringBuilder();
        for (ExperimentConfig cfg : cfgs) {
            java.util.Set<String> needed = needed(cfg, cfg.models());
            int m = 0, c = 0;
            for (ExperimentConfig.Step s : cfg.models()) {
                Path dir = modelDir(cfg, s).toAbsolutePath().normalize();
                if (s.model() == null && !Files.isDirectory(dir) && needed.contains(s.name()) && fromZoo(cfg, s) == null) {
                    m++;
                    switch (Progress.kindOf(s)) {
                        case PRETRAIN -> pretrains.add(dir);
                        case ATTACK -> attacks.add(dir);
                        default -> defenses.add(dir);
                    }
                }
                Path cellsDir = Path.of(cfg.out()).resolve("eval").resolve(s.slug()).resolve("cells").toAbsolutePath().normalize();
                if (!s.evaluate()) continue;
                for (String task : s.tasks() == null ? cfg.evaluate().tasks() : s.tasks()) {
                    for (long seed : cfg.evaluate().seeds()) {
                        Path cell = cellsDir.resolve(task + "-seed" + seed + ".json");
                        if (!Files.isRegularFile(cell)) {
                            c++;
                            (Progress.cellKind(task) == Progress.Kind.IMAGE_CELL ? imageCells : cells).add(cell);
                        }
                    }
                }
            }
            sb.append(String.format("   %-18s %3d models to make, %3d cells to evaluate%n", cfg.name(), m, c));
        }
        long minutes = new Progress(pretrains.size(), attacks.size(), defenses.size(), cells.size(), imageCells.size()).eta() / 60;
        sb.append(String.format("== all %d configs together: %s%d attacks and %d defenses to make, %d cells to evaluate%s: "
                        + "about %dh%02dm one stage at a time (prior: %s%.0f min an attack, %.0f a defense, %.0f a text cell, "
                        + "%.0f an image cell); --jobs 2 does about 1.3x the work per hour on 2 cores",
                cfgs.size(), pretrains.isEmpty() ? "" : pretrains.size() + " models to pre-train, ", attacks.size(),
                defenses.size(), cells.size() + imageCells.size(),
                imageCells.isEmpty() ? "" : " (" + imageCells.size() + " of images)", minutes / 60, minutes % 60,
                pretrains.isEmpty() ? "" : String.format("%.0f min a pre-training, ", PRETRAIN_MINUTES),
                ATTACK_MINUTES, DEFENSE_MINUTES, CELL_MINUTES, IMAGE_CELL_MINUTES));
        return sb.toString();
    }

    /** The (task, seed) cells of a step left to evaluate; 0 for a step that is not evaluated. */
    static int missingCells(ExperimentConfig cfg, ExperimentConfig.Step s) {
        if (!s.evaluate()) return 0;
        Path dir = Path.of(cfg.out()).resolve("eval").resolve(s.slug()).resolve("cells");
        int n = 0;
        for (String task : s.tasks() == null ? cfg.evaluate().tasks() : s.tasks()) {
            for (long seed : cfg.evaluate().seeds()) {
                if (!Files.isRegularFile(dir.resolve(task + "-seed" + seed + ".json"))) n++;
            }
        }
        return n;
    }

    /**
     * The step whose run makes {@code s}'s model: its {@code from}; for a step given as a model path inside another
     * step's working directory (a checkpoint of a purification, {@code <work>/purify-<slug>/epoch-1}), that step;
     * otherwise null.
     */
    static ExperimentConfig.Step parent(ExperimentConfig cfg, ExperimentConfig.Step s) {
        if (s.from() != null) return cfg.step(s.from());
        if (s.model() == null) return null;
        Path p = Path.of(s.model()).toAbsolutePath().normalize();
        Path work = Path.of(cfg.work()).toAbsolutePath().normalize();
        for (ExperimentConfig.Step u : cfg.models()) {
            if (u.model() == null && (p.startsWith(work.resolve("purify-" + u.slug())) || p.startsWith(work.resolve("attack-" + u.slug())))) {
                return u;
            }
        }
        return null;
    }

    /**
     * The steps whose models this run needs on disk: those with cells left to evaluate and every step they are made
     * from. A model whose cells are all finished and from which nothing left is made is not made again (on a fresh
     * machine, where {@code runs/} is empty, that saves its whole attack or purification).
     */
    static java.util.Set<String> needed(ExperimentConfig cfg, List<ExperimentConfig.Step> steps) {
        java.util.Set<String> need = new java.util.HashSet<>();
        for (ExperimentConfig.Step s : steps) {
            if (missingCells(cfg, s) == 0) continue;
            for (ExperimentConfig.Step t = s; t != null && need.add(t.name()); t = parent(cfg, t)) {
                // every ancestor
            }
        }
        return need;
    }

    /** The steps to run: all, or those named and every step they are made from. */
    static List<ExperimentConfig.Step> selected(ExperimentConfig cfg, String only) {
        if (only == null) return cfg.models();
        java.util.Set<String> need = new java.util.HashSet<>();
        for (String n : only.split(",")) {
            for (ExperimentConfig.Step s = cfg.step(n.strip()); s != null; s = parent(cfg, s)) {
                need.add(s.name());
            }
        }
        return cfg.models().stream().filter(s -> need.contains(s.name())).toList();
    }

    /**
     * How a step's model is made, with what it is made from, recursively: configs that share a work directory share
     * the models they make, and a model is reused only when this recipe is the same (recorded in
     * {@code <work>/steps/<slug>.json} before the model is made).
     */
    static Map<String, Object> recipe(ExperimentConfig cfg, ExperimentConfig.Step s) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (s.model() != null) {
            m.put("model", s.model());
            // the weights, not only the name: zoo:bert-mini may be re-trained, and a model made from the old one
            // (or an attack half-way through from it) must not be reused for the new one
            Path w = modelDir(cfg, s).resolve(BertModel.WEIGHTS_FILE);
            m.put("weights_sha256", Files.isRegularFile(w) ? Checksums.sha256(w) : "missing: " + w);
            return m;
        }
        if (s.pretrain() != null) {
            m.put("pretrain", s.pretrain());
            m.put("corpus", s.corpus());
            m.put("args", s.args());
            return m;
        }
        if (s.attack() != null) {
            m.put("attack", Json.MAPPER.convertValue(s.attack(), Map.class));
            m.put("corpus", s.corpus());
        } else {
            m.put("defense", s.defense());
        }
        m.put("args", s.args());
        m.put("from", recipe(cfg, cfg.step(s.from())));
        return m;
    }

    /** A model published by {@code --publish}: where it went, its name in the grid, and the index of that grid. */
    record Published(Path dir, String model, int grid) {}

    /** {@code --publish MODEL=NAME}: the first grid with that model publishes it to {@code zooRoot/NAME}. */
    static Published publish(List<ExperimentConfig> cfgs, String spec, Path zooRoot) {
        int eq = spec.lastIndexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) throw new ConfigException("--publish: expected MODEL=NAME, was '" + spec + "'");
        String model = spec.substring(0, eq).strip();
        for (int g = 0; g < cfgs.size(); g++) {
            ExperimentConfig cfg = cfgs.get(g);
            for (ExperimentConfig.Step s : cfg.models()) {
                if (!s.name().equals(model)) continue;
                if (s.model() != null) throw new ConfigException("--publish: '" + model + "' is given (" + s.model() + "), not made by the grid");
                Path dir = ZooReuse.publish(modelDir(cfg, s), Json.write(recipe(cfg, s)), zooRoot, spec.substring(eq + 1).strip());
                return new Published(dir, model, g);
            }
        }
        throw new ConfigException("--publish: no model named '" + model + "' in "
                + String.join(", ", cfgs.stream().map(ExperimentConfig::name).toList()));
    }

    /** The zoo model made by exactly {@code s}'s recipe ({@link ZooReuse}), or null: a grid copies it instead of making it. */
    static Path fromZoo(ExperimentConfig cfg, ExperimentConfig.Step s) {
        if (s.model() != null) return null;
        Path root = ZooReuse.zooRoot();
        return root == null ? null : ZooReuse.find(root, Json.write(recipe(cfg, s)));
    }

    static void checkRecipe(ExperimentConfig cfg, ExperimentConfig.Step s, Path work) {
        Path f = work.resolve("steps").resolve(s.slug() + ".json");
        String now = Json.write(recipe(cfg, s));
        try {
            if (Files.isRegularFile(f)) {
                String before = Files.readString(f);
                if (!before.equals(now)) {
                    throw new ConfigException("model '" + s.name() + "': " + modelDir(cfg, s) + " was made (or started) by "
                            + "another recipe, recorded in " + f + ":\n" + before + "this config asks for:\n" + now
                            + "Rename the model, use another \"work\" directory, or delete both to make it again.");
                }
            } else {
                AtomicFiles.writeString(f, now);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The experiment's tables: {@code <out>/<name>/}. Evaluations live in {@code <out>/eval/<model>/}, shared by every
     * experiment with the same {@code out}, so a model that appears in several tables is evaluated once.
     */
    static Path reportDir(ExperimentConfig cfg) {
        return Path.of(cfg.out()).resolve(cfg.name());
    }

    static Path modelDir(ExperimentConfig cfg, ExperimentConfig.Step s) {
        return s.model() != null ? Zoo.resolve(s.model()) : Path.of(cfg.work()).resolve("models").resolve(s.slug());
    }

    /** The command that makes {@code s}'s model in {@code dir} (an attack's config is written under {@code work}). */
    static List<String> makeArgs(ExperimentConfig cfg, ExperimentConfig.Step s, Path dir, Path work) throws java.io.IOException {
        List<String> a = new ArrayList<>();
        if (s.pretrain() != null) {
            a.addAll(List.of("pretrain", "--config", s.pretrain()));
            for (String c : s.corpus()) a.addAll(List.of("--corpus", c));
            a.addAll(s.args());
            a.addAll(List.of("--out", dir.toString(), "--work", work.resolve("pretrain-" + s.slug()).toString()));
            return a;
        }
        Path from = modelDir(cfg, cfg.step(s.from()));
        if (s.attack() != null) {
            Path attackCfg = work.resolve("configs").resolve(s.slug() + ".json");
            Files.createDirectories(attackCfg.getParent());
            AtomicFiles.writeString(attackCfg, Json.write(s.attack()));
            a.addAll(List.of("attack", "--model", from.toString(), "--config", attackCfg.toString()));
            for (String c : s.corpus()) a.addAll(List.of("--corpus", c));
            a.addAll(s.args());
            a.addAll(List.of("--out", dir.toString(), "--work", work.resolve("attack-" + s.slug()).toString()));
        } else {
            a.addAll(List.of("purify", "--model", from.toString(), "--defense", s.defense()));
            a.addAll(s.args());
            a.addAll(List.of("--out", dir.toString(), "--work", work.resolve("purify-" + s.slug()).toString()));
        }
        return a;
    }

    static List<String> evaluateArgs(ExperimentConfig cfg, ExperimentConfig.Step s) {
        ExperimentConfig.Evaluation e = cfg.evaluate();
        List<String> a = new ArrayList<>(List.of("evaluate", "--model", modelDir(cfg, s).toString(), "--name", s.name(),
                "--task", String.join(",", s.tasks() == null ? e.tasks() : s.tasks()),
                "--seeds", String.join(",", e.seeds().stream().map(String::valueOf).toList()),
                "--train-size", String.valueOf(e.trainSize()), "--test-size", String.valueOf(e.testSize()),
                "--triggers", s.triggers() == null ? e.triggers() : s.triggers()));
        a.addAll(e.args());
        a.addAll(List.of("--out", Path.of(cfg.out()).resolve("eval").resolve(s.slug()).toString()));
        return a;
    }

    /**
     * One model on one task, over its finished seeds, as numbers (fractions): what the tables print and what
     * {@link ReproductionReport} compares with the paper.
     *
     * @param accDelta  ACC minus the reference's (fraction); null without a reference row for the task
     * @param floorMasr the reference's MASR over this model's triggers; null when unknown
     * @param floorMasrSameDefense for a defended model: the MASR over its triggers of the reference model under the same
     *                  defense with the same arguments (another row of the grid), i.e. the floor of a purified clean model,
     *                  which separates what a defense costs the classifier from what is left of a backdoor; null when
     *                  the grid has no such row or it lacks a trigger
     */
    record Outcome(ExperimentConfig.Step step, String task, List<ResultRecord> seeds, SeedStats acc, SeedStats macroF1,
                   SeedStats aasr, SeedStats masr, Double accDelta, Double floorMasr, List<ResultRecord> neurons,
                   Double floorMasrSameDefense) {
        Double masrDelta() {
            return floorMasr == null ? null : masr.mean() - floorMasr;
        }

        /** Mean over triggers of a neuron-analysis column ("poison_only_per_sample", "overlap_ratio"); null if none. */
        Double neuronMean(String key) {
            double sum = 0;
            int n = 0;
            for (ResultRecord r : neurons) {
                if (r.get(key) instanceof Number x) {
                    sum += x.doubleValue();
                    n++;
                }
            }
            return n == 0 ? null : sum / n;
        }
    }

    /** Every (model, task) with finished cells under {@code <out>/eval}, in config then task order. */
    static List<Outcome> outcomes(ExperimentConfig cfg, Path out) {
        Map<String, Map<String, List<ResultRecord>>> byModelTask = new LinkedHashMap<>();
        for (ExperimentConfig.Step s : cfg.models()) {
            Path cells = out.resolve("eval").resolve(s.slug()).resolve("cells");
            if (!Files.isDirectory(cells)) continue;
            try {
                for (ResultRecord r : EvaluateCommand.cells(cells, "-seed")) {
                    byModelTask.computeIfAbsent(s.name(), k -> new LinkedHashMap<>())
                            .computeIfAbsent((String) r.get("task"), k -> new ArrayList<>()).add(r);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        Map<String, List<ResultRecord>> ref = byModelTask.getOrDefault(cfg.reference(), Map.of());
        List<Outcome> outcomes = new ArrayList<>();
        for (ExperimentConfig.Step s : cfg.models()) {
            Map<String, List<ResultRecord>> tasks = byModelTask.get(s.name());
            if (tasks == null) continue;
            for (String task : cfg.evaluate().tasks()) {
                List<ResultRecord> rs = tasks.get(task);
                if (rs == null) continue;
                SeedStats acc = stats(rs, "ACC");
                List<ResultRecord> refRows = ref.get(task);
                Path neuronCell = out.resolve("eval").resolve(s.slug()).resolve("cells").resolve(task + "-neurons.json");
                List<ResultRecord> neurons = Files.isRegularFile(neuronCell) ? ResultTable.readJson(neuronCell).records() : List.of();
                ExperimentConfig.Step clean = cleanUnderSameDefense(cfg, s);
                List<ResultRecord> cleanRows = clean == null ? null
                        : byModelTask.getOrDefault(clean.name(), Map.of()).get(task);
                outcomes.add(new Outcome(s, task, rs, acc, stats(rs, "macro_F1"), stats(rs, "AASR"), stats(rs, "MASR"),
                        refRows == null ? null : acc.mean() - stats(refRows, "ACC").mean(),
                        refRows == null ? null : floorMasr(refRows, triggerKeys(rs)), neurons,
                        cleanRows == null ? null : floorMasr(cleanRows, triggerKeys(rs))));
            }
        }
        return outcomes;
    }

    /**
     * The grid's row that applies {@code s}'s defense, with the same arguments, to the reference (clean) model; null when
     * {@code s} is not a defense applied to another model or the grid has no such row.
     */
    static ExperimentConfig.Step cleanUnderSameDefense(ExperimentConfig cfg, ExperimentConfig.Step s) {
        if (cfg.reference() == null || s.defense() == null || s.from() == null || s.from().equals(cfg.reference())) {
            return null;
        }
        for (ExperimentConfig.Step c : cfg.models()) {
            if (cfg.reference().equals(c.from()) && s.defense().equals(c.defense())
                    && java.util.Objects.equals(s.args(), c.args())) {
                return c;
            }
        }
        return null;
    }

    /**
     * One row per (model, task) from every finished cell: ACC, macro-F1, AASR, MASR (mean ± std over seeds), ACC
     * change against the reference model in points, the clean floor of MASR, and the criterion's verdict.
     */
    static List<ResultRecord> rows(ExperimentConfig cfg, Path out) {
        List<ResultRecord> rows = new ArrayList<>();
        for (Outcome o : outcomes(cfg, out)) {
            ExperimentConfig.Step s = o.step();
            List<ResultRecord> rs = o.seeds();
            Double delta = o.accDelta() == null ? null : 100 * o.accDelta();
            ResultRecord.Builder b = ResultRecord.builder().put("model", s.name()).put("task", o.task())
                    .put("seeds", rs.size()).put("ACC", o.acc().formatPercent()).put("macro_F1", o.macroF1().formatPercent())
                    .put("AASR", o.aasr().formatPercent()).put("MASR", o.masr().formatPercent())
                    .put("MASR_min", String.format("%.1f", 100 * min(rs, "MASR")))
                    .put("MASR_trigger", mostCommon(rs, "MASR_trigger"))
                    .put("ΔACC_vs_" + cfg.reference(), delta == null ? "n/a" : String.format("%+.1f", delta))
                    .put("floor_MASR", o.floorMasr() == null ? "n/a" : String.format("%.1f", 100 * o.floorMasr()))
                    .put("ΔMASR_vs_floor", o.masrDelta() == null ? "n/a" : String.format("%+.1f", 100 * o.masrDelta()))
                    .put("floor_MASR_same_defense", o.floorMasrSameDefense() == null ? "n/a"
                            : String.format("%.1f", 100 * o.floorMasrSameDefense()));
            Double noTrigger = meanNoTriggerRate(rs);
            b.put("MASR_no_trigger", noTrigger == null ? "n/a" : String.format("%.1f", 100 * noTrigger));
            if (cfg.criterion() != null && cfg.criterion().models().contains(s.name())) {
                ExperimentConfig.Criterion c = cfg.criterion();
                boolean ok = (c.masrAtLeast() == null || o.masr().mean() >= c.masrAtLeast())
                        && (c.accDropAtMost() == null || (delta != null && delta >= -100 * c.accDropAtMost()));
                b.put(c.label(), ok ? "yes" : "no");
            }
            b.provenance("ACC", o.acc().toMap()).provenance("MASR", o.masr().toMap())
                    .provenance("model_sha256", rs.get(0).provenance().get("inputSha256"));
            rows.add(b.build());
        }
        return rows;
    }

    private static void report(ExperimentConfig cfg, String cfgFile, Path out) {
        List<ResultRecord> rows = rows(cfg, out);
        if (rows.isEmpty()) {
            System.out.println("no finished cells under " + out.resolve("eval") + " yet");
            return;
        }
        ResultTable table = new ResultTable(rows);
        Path dir = reportDir(cfg);
        table.writeAll(dir, "results");
        Json.write(dir.resolve("experiment.json"), cfg);
        StringBuilder md = new StringBuilder();
        md.append("# ").append(cfg.name()).append("\n\n");
        if (cfg.description() != null) md.append(cfg.description()).append("\n\n");
        md.append("Generated by `./recipe experiment --config ").append(cfgFile).append("` (the config as resolved: ")
          .append("`experiment.json`). Each model's own report, with per-seed records and their provenance (git revision, ")
          .append("library versions, data and model sha256), is `../eval/<model>/REPORT.md`; how each model was made is in ")
          .append("its directory under `").append(cfg.work()).append("` (`attack.json` / `purification.json`).\n\n");
        ExperimentConfig.Evaluation e = cfg.evaluate();
        md.append("Evaluation: ").append(e.tasks()).append(", seeds ").append(e.seeds()).append(", stratified subsamples of ")
          .append(e.trainSize()).append(" training / ").append(e.testSize()).append(" test (and dev) examples; flags ")
          .append(e.args()).append(". Values are percent, mean ± sample std over seeds; MASR_min is the lowest seed's; ")
          .append("ΔACC is in points against `").append(cfg.reference()).append("`; floor_MASR is `").append(cfg.reference())
          .append("`'s MASR over the same triggers (the clean model's floor), ΔMASR_vs_floor the distance to it; ")
          .append("floor_MASR_same_defense, for a defended model, is the same for the clean model under the same defense and ")
          .append("arguments (a row of this grid), the floor of a purified clean model: a defense that costs the classifier ")
          .append("accuracy raises it, so MASR near it says the backdoor is gone even when MASR is above floor_MASR. ")
          .append("MASR_no_trigger is the same share without any trigger: of the test sentences whose label is not the ")
          .append("MASR trigger's target, the share the model predicts as that target anyway (from the clean confusion ")
          .append("matrix, per seed, then the mean); a MASR near it says the classifier leans to that label, not that ")
          .append("the trigger works (e.g. a model that predicts one HSOL class for every sentence has MASR 100).");
        if (cfg.criterion() != null) {
            ExperimentConfig.Criterion c = cfg.criterion();
            md.append(" Column \"").append(c.label()).append("\": mean MASR ≥ ")
              .append(c.masrAtLeast() == null ? "any" : String.format("%.0f%%", 100 * c.masrAtLeast()))
              .append(" and ACC at most ").append(c.accDropAtMost() == null ? "any" : String.format("%.0f", 100 * c.accDropAtMost()))
              .append(" points below the reference.");
        }
        md.append("\n\n").append(table.toMarkdown());
        for (Path png : ExperimentPlots.write(cfg, outcomes(cfg, out), dir)) {
            md.append("\n![").append(png.getFileName()).append("](").append(png.getFileName()).append(")\n");
        }
        md.append("\n## Models\n\n");
        for (ExperimentConfig.Step s : cfg.models()) {
            md.append("- **").append(s.name()).append("**: ");
            if (s.model() != null) md.append("`").append(s.model()).append("`");
            else if (s.pretrain() != null) md.append("pre-trained (`recipe pretrain --config ").append(s.pretrain())
                    .append("`) on ").append(s.corpus()).append(s.args().isEmpty() ? "" : " " + s.args());
            else if (s.attack() != null) md.append("attack `").append(Json.write(s.attack()).strip().replaceAll("\\s+", " "))
                    .append("` on ").append(s.from()).append(" with ").append(s.corpus()).append(s.args().isEmpty() ? "" : " " + s.args());
            else md.append("defense `").append(s.defense()).append("` ").append(s.args()).append(" on ").append(s.from());
            Path w = modelDir(cfg, s).resolve(BertModel.WEIGHTS_FILE);
            if (Files.isRegularFile(w)) md.append(" (weights sha256 `").append(Checksums.sha256(w)).append("`)");
            String lineage = lineageNote(cfg, out, s);
            if (lineage != null) md.append(". **Note:** ").append(lineage);
            md.append("\n");
        }
        AtomicFiles.writeString(dir.resolve("REPORT.md"), md.toString());
        System.out.println(table.toMarkdown());
        System.out.println("wrote " + dir.resolve("REPORT.md") + " and results.{json,csv,md}");
    }

    /**
     * Whether a made model's cells and its parent's cells measured related copies: null when they did (or when the
     * cells do not say), else a sentence naming both weights. A parent re-made on another machine is not bit for bit
     * the one its committed cells measured (experiments/README.md), so a defended model made from the re-made copy is
     * compared with cells of another copy; the report says so rather than let the row pass for like with like.
     */
    static String lineageNote(ExperimentConfig cfg, Path out, ExperimentConfig.Step s) {
        if (s.from() == null) return null;
        java.util.Set<Object> madeFrom = new java.util.TreeSet<>(Comparator.comparing(Object::toString));
        for (ResultRecord r : cellRecords(out, s)) {
            Object v = r.provenance().get(DownstreamEvaluation.MADE_FROM_KEY);
            if (v != null) madeFrom.add(v);
        }
        java.util.Set<Object> parent = new java.util.TreeSet<>(Comparator.comparing(Object::toString));
        for (ResultRecord r : cellRecords(out, cfg.step(s.from()))) {
            if (r.provenance().get("inputSha256") instanceof Map<?, ?> sums) {
                Object v = sums.get("model_weights (" + BertModel.WEIGHTS_FILE + ")");
                if (v != null) parent.add(v);
            }
        }
        if (madeFrom.isEmpty() || parent.isEmpty() || madeFrom.stream().anyMatch(parent::contains)) return null;
        return "made from another copy of " + s.from() + " (weights sha256 " + madeFrom + ") than the one " + s.from()
                + "'s cells measured (" + parent + "); the copies are made by the same recipe but are not bit for bit equal.";
    }

    private static List<ResultRecord> cellRecords(Path out, ExperimentConfig.Step s) {
        Path cells = out.resolve("eval").resolve(s.slug()).resolve("cells");
        if (!Files.isDirectory(cells)) return List.of();
        try {
            return EvaluateCommand.cells(cells, "-seed");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The share of test sentences not labelled C that the model predicts as C without a trigger, C the target label of
     * the record's MASR trigger: the rate MASR would have if the trigger did nothing. From the cell's clean confusion
     * matrix (rows true labels, columns predictions); null for a record without one.
     */
    static Double noTriggerRate(ResultRecord r) {
        if (!(r.provenance().get("confusion") instanceof Map<?, ?> conf) || !(conf.get("confusion") instanceof List<?> rows)) return null;
        if (!(r.provenance().get("attack_report") instanceof Map<?, ?> rep) || !(rep.get("triggers") instanceof List<?> triggers)) return null;
        Object masrTrigger = r.get("MASR_trigger");
        Integer target = null;
        for (Object t : triggers) {
            if (t instanceof Map<?, ?> m && String.valueOf(m.get("trigger")).equals(String.valueOf(masrTrigger))
                    && m.get("target") instanceof Number n) {
                target = n.intValue();
            }
        }
        if (target == null) return null;
        double toTarget = 0, others = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (i == target || !(rows.get(i) instanceof List<?> row)) continue;
            for (int j = 0; j < row.size(); j++) {
                double n = ((Number) row.get(j)).doubleValue();
                others += n;
                if (j == target) toTarget += n;
            }
        }
        return others == 0 ? null : toTarget / others;
    }

    /** {@link #noTriggerRate} averaged over the seeds that have it; null when none has. */
    static Double meanNoTriggerRate(List<ResultRecord> rs) {
        double sum = 0;
        int n = 0;
        for (ResultRecord r : rs) {
            Double x = noTriggerRate(r);
            if (x != null) {
                sum += x;
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    /** The "ASR[t]" columns of a model's records: the triggers it was measured with. */
    static List<String> triggerKeys(List<ResultRecord> rs) {
        return rs.get(0).values().keySet().stream().filter(k -> k.startsWith("ASR[")).toList();
    }

    /**
     * The reference model's MASR over the same triggers (per seed the max of its ASR[t] for those t, then the mean):
     * the floor a backdoor's or a defense's MASR is compared with. Null when the reference lacks any of the triggers.
     */
    static Double floorMasr(List<ResultRecord> refRows, List<String> triggerKeys) {
        if (triggerKeys.isEmpty()) return null;
        double sum = 0;
        for (ResultRecord r : refRows) {
            double max = Double.NEGATIVE_INFINITY;
            for (String k : triggerKeys) {
                if (!(r.get(k) instanceof Number n)) return null;
                max = Math.max(max, n.doubleValue());
            }
            sum += max;
        }
        return sum / refRows.size();
    }

    private static SeedStats stats(List<ResultRecord> rs, String key) {
        return SeedStats.of(rs.stream().filter(r -> r.get(key) instanceof Number)
                .mapToDouble(r -> ((Number) r.get(key)).doubleValue()).toArray());
    }

    private static double min(List<ResultRecord> rs, String key) {
        return rs.stream().filter(r -> r.get(key) instanceof Number).mapToDouble(r -> ((Number) r.get(key)).doubleValue())
                .min().orElse(Double.NaN);
    }

    private static String mostCommon(List<ResultRecord> rs, String key) {
        Map<Object, Integer> n = new LinkedHashMap<>();
        for (ResultRecord r : rs) n.merge(r.get(key), 1, Integer::sum);
        return n.entrySet().stream().max(Map.Entry.comparingByValue()).map(x -> String.valueOf(x.getKey())).orElse("");
    }

    private static String elapsed(long t0) {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        return String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60);
    }
}
