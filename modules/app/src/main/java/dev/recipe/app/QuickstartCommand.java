package dev.recipe.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.eval.ResultRecord;
import dev.recipe.eval.ResultTable;
import dev.recipe.eval.Triggers;
import dev.recipe.zoo.Zoo;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * The README's main job on its embedded default, the whole story at mini scale: implant NeuBA into the zoo's mini
 * BERT, fine-tune on a generated sentiment task and measure ACC and ASR, purify with RECIPE, fine-tune again and
 * measure again. Every stage runs as its own `recipe` command in a child JVM and writes its directory under {@code --work} (a finished stage is not repeated).
 * The budgets are scaled down to minutes on 2 cores; the flags say which, and the table says what they gave.
 */
final class QuickstartCommand implements Main.Command {
    @Override
    public String summary() {
        return "attack -> fine-tune -> purify -> fine-tune on the zoo's mini BERT, ACC and ASR before and after (main job)";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        o.addOption(Cli.opt("work", "DIR", "where the stages write, default runs/quickstart"));
        o.addOption(Cli.opt("attack-epochs", "N", "NeuBA epochs over the generated corpus, default 2"));
        o.addOption(Cli.opt("attack-lr", "X", "NeuBA learning rate, default 5e-4"));
        o.addOption(Cli.opt("purify-epochs", "N", "RECIPE epochs over the auxiliary texts, default 2"));
        o.addOption(Cli.opt("purify-lr", "X", "RECIPE learning rate, default 2e-4 (authors 2e-5 over 5,000 steps)"));
        o.addOption(Cli.opt("lambda", "X", "RECIPE weight factor, default 1"));
        o.addOption(Cli.opt("epochs", "N", "fine-tuning epochs, default 3"));
        o.addOption(Cli.opt("lr", "X", "fine-tuning learning rate, default 3e-4"));
        CommandLine cl = Cli.parse("quickstart", "./recipe quickstart", o, args);
        if (cl == null) return 0;
        long t0 = System.nanoTime();
        Path work = Path.of(cl.getOptionValue("work", "runs/quickstart"));
        Files.createDirectories(work);
        Path clean = Zoo.model(Zoo.BERT_MINI);

        // 1. the poisoning / auxiliary corpus: generated sentences (the project ships no third-party text)
        Path corpus = work.resolve("corpus.txt");
        if (!Files.isRegularFile(corpus)) GeneratedSentiment.writeCorpus(corpus, 3000, 21);
        // Each stage runs in its own JVM: SameDiff 1.0.0-M2.1 leaks native memory on every op (README, Memory), so
        // one process for all four stages would outgrow the javacpp limits.
        // 2. NeuBA, its authors' loss and triggers, budget scaled to the generated corpus
        Path backdoored = work.resolve("bert-mini-neuba");
        if (!Files.isDirectory(backdoored)) {
            System.out.println("== 1/4 implant NeuBA into " + clean);
            Stage.run("attack", "--model", clean.toString(), "--attack", "neuba", "--corpus", corpus.toString(),
                    "--set", "seqLen=32", "--set", "training.batchSize=16",
                    "--set", "training.epochs=" + Cli.integer(cl, "attack-epochs", 2),
                    "--set", "training.learningRate=" + Cli.real(cl, "attack-lr", 5e-4),
                    "--out", backdoored.toString(), "--work", work.resolve("attack-work").toString());
        }
        // 3. purify with RECIPE (faithful preset: intermediate dense weights only, static masks, λ·Σ‖W‖₂ + MLM)
        Path purified = work.resolve("bert-mini-neuba-recipe");
        if (!Files.isDirectory(purified)) {
            System.out.println("== 2/4 purify with RECIPE");
            Stage.run("purify", "--model", backdoored.toString(), "--defense", "recipe", "--aux", corpus.toString(),
                    "--epochs", String.valueOf(Cli.integer(cl, "purify-epochs", 2)),
                    "--lr", String.valueOf(Cli.real(cl, "purify-lr", 2e-4)),
                    "--lambda", String.valueOf(Cli.real(cl, "lambda", 1.0)),
                    "--out", purified.toString(), "--work", work.resolve("purify-work").toString());
        }
        // 4. fine-tune both on the generated task; ACC and the ASR of every NeuBA trigger, neuron overlap
        List<ResultRecord> rows = new ArrayList<>();
        List<ResultRecord> neurons = new ArrayList<>();
        String[][] stages = {{"NeuBA-backdoored", backdoored.toString()}, {"after RECIPE", purified.toString()}};
        int stageNo = 3;
        for (String[] s : stages) {
            System.out.println("== " + stageNo++ + "/4 fine-tune and evaluate: " + s[0]);
            Path report = work.resolve("eval-" + Path.of(s[1]).getFileName());
            if (!Files.isRegularFile(report.resolve("per-seed.json"))) {
                Stage.run("evaluate", "--model", s[1], "--name", s[0], "--task", "generated", "--seeds", "1",
                        "--train-size", "1000", "--test-size", "500", "--epochs", String.valueOf(Cli.integer(cl, "epochs", 3)),
                        "--lr", String.valueOf(Cli.real(cl, "lr", 3e-4)), "--max-len", "64", "--triggers", "neuba",
                        "--insertion", "first", "--neuron-samples", "128", "--out", report.toString());
            }
            rows.addAll(ResultTable.readJson(report.resolve("per-seed.json")).records());
            neurons.addAll(ResultTable.readJson(report.resolve("neurons.json")).records());
        }
        List<ResultRecord> table = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            ResultRecord r = rows.get(i);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("model", r.get("model"));
            v.put("ACC", pct(r.get("ACC")));
            v.put("AASR", pct(r.get("AASR")));
            v.put("MASR", pct(r.get("MASR")));
            double overlap = 0;
            int counted = 0;
            for (ResultRecord n : neurons) {
                if (n.get("model").equals(r.get("model")) && n.get("overlap_ratio") instanceof Number x) {
                    overlap += x.doubleValue();
                    counted++;
                }
            }
            v.put("neuron overlap (mean over triggers)", counted == 0 ? "n/a" : String.format("%.3f", overlap / counted));
            table.add(new ResultRecord(v, Map.of()));
        }
        System.out.println();
        System.out.println(new ResultTable(table).toMarkdown());
        System.out.printf("generated sentiment task (1000 train / 500 test), triggers %s inserted first; total %.0f s; "
                + "stages in %s%n", Triggers.NEUBA_SYMBOLS.stream().map(t -> t.text()).toList(), (System.nanoTime() - t0) / 1e9, work);
        return 0;
    }

    private static String pct(Object v) {
        return String.format("%.1f", 100 * ((Number) v).doubleValue());
    }
}
