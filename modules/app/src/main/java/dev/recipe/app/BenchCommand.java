package dev.recipe.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import dev.recipe.core.Json;
import dev.recipe.nn.Losses;
import dev.recipe.train.BatchSource;
import dev.recipe.train.OpTimer;
import dev.recipe.train.Schedule;
import dev.recipe.train.TrainConfig;
import dev.recipe.train.Trainer;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertConfig;
import dev.recipe.zoo.bert.BertModel;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times one training step of the real {@link Trainer} (gradients, clipping, AdamW) on a fixed batch, the same
 * model and step as {@code tools/bench/peer_bert.py}: {@code recipe} = masked LM (head on masked rows only) +
 * Σ‖W_intermediate‖₂ with only the intermediate dense weights trainable; {@code finetune} = sequence
 * classification with every parameter trainable. Appends one JSON line per run.
 */
final class BenchCommand implements Main.Command {
    @Override
    public String summary() {
        return "benchmark a RECIPE or fine-tuning step (see tools/bench)";
    }

    @Override
    public int run(String[] args) throws IOException {
        Options o = new Options();
        o.addOption(Cli.opt("config", "NAME", "mini or base"));
        o.addOption(Cli.opt("step", "NAME", "recipe or finetune"));
        o.addOption(Cli.opt("steps", "N", "timed steps, default 20"));
        o.addOption(Cli.opt("warmup", "N", "untimed steps first, default 3"));
        o.addOption(Cli.opt("batch", "N", "default 32"));
        o.addOption(Cli.opt("seq", "N", "default 64"));
        o.addOption(Cli.opt("json", "FILE", "append the result as a JSON line"));
        o.addOption(Cli.opt("profile", "N", "also time every op of the timed steps and print the N costliest op types, "
                + "the op time against the step time, and the process's user / kernel CPU time and page faults"));
        CommandLine cl = Cli.parse("bench", "./recipe bench --config mini --step recipe --steps 20 --json bench.jsonl", o, args);
        if (cl == null) return 0;
        String cfgName = cl.getOptionValue("config", "mini");
        String step = cl.getOptionValue("step", "recipe");
        int steps = Cli.integer(cl, "steps", 20);
        int warmup = Cli.integer(cl, "warmup", 3);
        int batch = Cli.integer(cl, "batch", 32);
        int seq = Cli.integer(cl, "seq", 64);
        BertConfig c = BertConfig.preset(cfgName);
        boolean recipe = step.equals("recipe");
        if (!recipe && !step.equals("finetune")) throw new IllegalArgumentException("--step must be recipe or finetune");

        BertModel m = Bert.build(c, recipe ? Bert.Heads.pretraining() : Bert.Heads.classification(2), DataType.FLOAT, 1);
        SameDiff sd = m.graph();
        String loss;
        List<String> trainable;
        if (recipe) {
            List<SDVariable> reg = new ArrayList<>();
            for (String n : m.spec().regularised()) reg.add(sd.getVariable(n));
            SDVariable norm = Losses.sumOfNorms(sd, "recipe_norm", reg);
            loss = sd.getVariable(Bert.MLM_LOSS).add("recipe_loss", norm).name();
            trainable = m.spec().recipeTrainable();
        } else {
            loss = Bert.CLS_LOSS;
            trainable = List.of();
        }
        Map<String, INDArray> fixed = batch(c, batch, seq, recipe);
        int masked = recipe ? (int) fixed.get(Bert.MLM_POSITIONS).length() : 0;
        BatchSource data = new BatchSource() {
            public int batchesPerEpoch() { return warmup + steps; }
            public Map<String, INDArray> batch(int epoch, int index) { return new HashMap<>(fixed); }
        };
        TrainConfig tc = TrainConfig.of(2e-5, 1).withSchedule(Schedule.LINEAR).withClipNorm(1.0).withTrainable(trainable)
                .withLogEverySteps(0);
        int profileTop = Cli.integer(cl, "profile", 0);
        OpTimer timer = profileTop > 0 ? new OpTimer() : null;
        long[] last = {System.nanoTime()};
        long[][] proc = new long[2][];
        List<Double> times = new ArrayList<>();
        Map<String, List<Double>> phases = new LinkedHashMap<>();
        new Trainer(info -> {
            long now = System.nanoTime();
            if (info.step() > warmup) {
                times.add((now - last[0]) / 1e6);
                info.phases().millis().forEach((k, v) -> phases.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            }
            if (info.step() == warmup && timer != null) {
                timer.attach(sd);   // the gradient function exists after the first step
                timer.reset();
                proc[0] = procStat();
            }
            if (info.step() == warmup + steps && timer != null) proc[1] = procStat();
            last[0] = System.nanoTime();
        }).fit(sd, loss, data, tc, null);
        double[] t = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = median(times);
        double gflop = stepFlops(c, batch, seq, recipe ? masked : 0, recipe) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("impl", "samediff");
        r.put("nd4j", "1.0.0-M2.1");
        r.put("config", cfgName);
        r.put("step", step);
        r.put("head", recipe ? "masked" : "n/a");
        r.put("batch", batch);
        r.put("seq", seq);
        r.put("masked_positions", masked);
        r.put("dropout", 0.0);
        r.put("omp_wait_policy", System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"));
        r.put("allocator", allocator(System.getenv("LD_PRELOAD"), System.getenv("MALLOC_CONF")));
        r.put("blas_coretype", System.getenv().getOrDefault("OPENBLAS_CORETYPE", "auto"));
        r.put("warmup", warmup);
        r.put("steps", steps);
        r.put("median_ms", median);
        r.put("p10_ms", t[(int) Math.floor(0.1 * (t.length - 1))]);
        r.put("p90_ms", t[(int) Math.ceil(0.9 * (t.length - 1))]);
        r.put("mean_ms", Arrays.stream(t).average().orElse(Double.NaN));
        Map<String, Double> phaseMedians = new LinkedHashMap<>();
        phases.forEach((k, v) -> phaseMedians.put(k, median(v)));
        r.put("phase_median_ms", phaseMedians);
        System.err.printf("median step %.0f ms; phase medians (ms): %s%n", median, phaseMedians.entrySet().stream()
                .map(e -> String.format("%s %.1f", e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
        r.put("peak_rss_mb", peakRssMb());
        r.put("gflop_per_step", gflop);
        r.put("achieved_gflops", gflop / (median / 1000));
        if (timer != null) {
            double wall = times.stream().mapToDouble(Double::doubleValue).sum();
            r.put("op_ms_per_step", timer.totalMillis() / steps);
            r.put("ops_per_step", timer.totalCalls() / (double) steps);
            r.put("outside_ops_ms_per_step", (wall - timer.totalMillis()) / steps);
            if (proc[0] != null && proc[1] != null) {
                r.put("user_cpu_s", (proc[1][1] - proc[0][1]) / 100.0);
                r.put("kernel_cpu_s", (proc[1][2] - proc[0][2]) / 100.0);
                r.put("minor_faults_per_step", (proc[1][0] - proc[0][0]) / (double) steps);
            }
            r.put("ops", timer.perStep(profileTop, steps));
            System.err.printf("%d timed steps: mean %.0f ms, of which ops %.0f ms (%.0f op calls), outside ops %.0f ms%n",
                    steps, wall / steps, timer.totalMillis() / steps, timer.totalCalls() / (double) steps,
                    (wall - timer.totalMillis()) / steps);
            if (r.containsKey("kernel_cpu_s")) {
                System.err.printf("process CPU over the timed steps: user %.1f s, kernel %.1f s, %.0f minor page faults "
                        + "per step%n", r.get("user_cpu_s"), r.get("kernel_cpu_s"), r.get("minor_faults_per_step"));
            }
            for (OpTimer.Entry e : timer.entries().subList(0, Math.min(profileTop, timer.entries().size()))) {
                System.err.printf("  %-26s %6.1f calls/step %8.1f ms/step %7.2f ms/call%n", e.op(),
                        e.calls() / (double) steps, e.millis() / steps, e.millis() / e.calls());
            }
        }
        String line = Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(r);
        System.out.println(line);
        if (cl.hasOption("json")) {
            Files.writeString(Path.of(cl.getOptionValue("json")), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return 0;
    }

    static double median(List<Double> values) {
        double[] t = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
    }

    /** Same fixed-seed data shape as the peer: random ids, all positions real, 15% masked (drawn once). */
    static Map<String, INDArray> batch(BertConfig c, int b, int s, boolean mlm) {
        SplittableRandom r = new SplittableRandom(1234);
        int[][] ids = new int[b][s];
        for (int[] row : ids) for (int j = 0; j < s; j++) row[j] = 5 + r.nextInt(c.vocabSize() - 5);
        Map<String, INDArray> out = new HashMap<>();
        out.put(Bert.INPUT_IDS, Nd4j.createFromArray(ids));
        out.put(Bert.ATTENTION_MASK, Nd4j.ones(DataType.FLOAT, b, s));
        if (mlm) {
            List<Integer> pos = new ArrayList<>();
            for (int i = 0; i < b * s; i++) if (r.nextDouble() < 0.15) pos.add(i);
            int[] p = pos.stream().mapToInt(Integer::intValue).toArray();
            int[] lab = new int[p.length];
            for (int i = 0; i < p.length; i++) lab[i] = ids[p[i] / s][p[i] % s];
            out.put(Bert.MLM_POSITIONS, Nd4j.createFromArray(p));
            out.put(Bert.MLM_LABELS, Nd4j.createFromArray(lab));
        } else {
            int[] labels = new int[b];
            for (int i = 0; i < b; i++) labels[i] = r.nextInt(2);
            out.put(Bert.LABELS, Nd4j.createFromArray(labels));
        }
        return out;
    }

    /**
     * The analytic convention shared with the peer: 3 × forward matmul FLOPs, forward =
     * L(8TH² + 4BS²H + 4THF) + [MLM head on P rows: 2PH² + 2PHV] + [classifier: 2BH² + 2BHC].
     */
    static double stepFlops(BertConfig c, int b, int s, int headRows, boolean mlm) {
        double t = (double) b * s, h = c.hiddenSize(), f = c.intermediateSize();
        double fwd = c.numLayers() * (8 * t * h * h + 4.0 * b * s * s * h + 4 * t * h * f);
        fwd += mlm ? 2 * headRows * h * h + 2 * headRows * h * c.vocabSize() : 2 * b * h * h + 2 * b * h * 2;
        return 3 * fwd;
    }

    /** Minor page faults and user / kernel CPU time in clock ticks (1/100 s) of this process, from /proc/self/stat. */
    static long[] procStat() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
            // fields after "(comm)": state is field 3, so field k is f[k - 3]; minflt 10, utime 14, stime 15
            return new long[] {Long.parseLong(f[7]), Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /**
     * The allocator the process runs on, as the launcher sets it ({@code LD_PRELOAD}, {@code MALLOC_CONF}): the peer
     * records the same, because a step that allocates fresh arrays pays for the kernel's page faults under glibc's
     * malloc, which on some VMs doubles the PyTorch step (BENCHMARKS.md, "The peer's allocator").
     */
    static String allocator(String preload, String mallocConf) {
        if (preload == null || !preload.contains("jemalloc")) return "glibc";
        return mallocConf == null || mallocConf.isBlank() ? "jemalloc" : "jemalloc " + mallocConf;
    }
}
