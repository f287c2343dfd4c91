package dev.recipe.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.attack.AttackConfig;
import dev.recipe.attack.Attacks;
import dev.recipe.core.AtomicFiles;
import dev.recipe.defense.Defense;
import dev.recipe.defense.Defenses;
import dev.recipe.eval.ResultRecord;
import dev.recipe.eval.ResultTable;
import dev.recipe.eval.TargetLabelRule;
import dev.recipe.eval.TriggerInsertion;
import dev.recipe.eval.Triggers;
import dev.recipe.text.LabelledText;
import dev.recipe.text.data.Dataset;
import dev.recipe.zoo.Zoo;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.PretrainedBert;
import dev.recipe.zoo.tasks.DownstreamEvaluation;
import dev.recipe.zoo.tasks.Finetuning;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * The README's main job on its embedded default, the whole story at mini scale: implant NeuBA into the zoo's mini
 * BERT, fine-tune on a generated sentiment task and measure ACC and ASR, purify with RECIPE, fine-tune again and
 * measure again. Every stage writes its directory under {@code --work} (a finished stage is not repeated).
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
        o.addOption(Cli.opt("attack-epochs", "N", "NeuBA epochs over the generated corpus, default 3"));
        o.addOption(Cli.opt("attack-lr", "X", "NeuBA learning rate, default 5e-4"));
        o.addOption(Cli.opt("purify-epochs", "N", "RECIPE epochs over the auxiliary texts, default 4"));
        o.addOption(Cli.opt("purify-lr", "X", "RECIPE learning rate, default 1e-3 (authors 2e-5 over 5,000 steps)"));
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
        if (!Files.isRegularFile(corpus)) {
            StringBuilder sb = new StringBuilder();
            for (LabelledText t : GeneratedSentiment.generate(3000, 21)) sb.append(t.text()).append('\n');
            AtomicFiles.writeString(corpus, sb.toString());
        }
        // 2. NeuBA, its authors' loss and triggers, budget scaled to the generated corpus
        Path backdoored = work.resolve("bert-mini-neuba");
        if (!Files.isDirectory(backdoored)) {
            AttackConfig neuba = AttackCommand.config("neuba", null, new String[] {
                    "seqLen=32", "training.batchSize=16", "training.epochs=" + Cli.integer(cl, "attack-epochs", 3),
                    "training.learningRate=" + Cli.real(cl, "attack-lr", 5e-4)});
            System.out.println("== 1/4 implant NeuBA: " + Attacks.toJson(neuba).replaceAll("\\s+", " "));
            Attacks.run(clean, List.of(corpus), neuba, backdoored, work.resolve("attack-work"));
        }
        // 3. purify with RECIPE (faithful preset: intermediate dense weights only, static masks, λ·Σ‖W‖₂ + MLM)
        Path purified = work.resolve("bert-mini-neuba-recipe");
        if (!Files.isDirectory(purified)) {
            Defense recipe = Defenses.create("recipe", new Defenses.Options(Cli.integer(cl, "purify-epochs", 4),
                    Cli.real(cl, "lambda", 1.0), Cli.real(cl, "purify-lr", 1e-3), 32, 50L, List.of(), 64));
            System.out.println("== 2/4 purify with RECIPE: " + recipe.describe());
            PretrainedBert pre = PretrainedBert.load(backdoored, Bert.Heads.pretraining(), 50);
            Map<String, Object> report = recipe.apply(pre.model(), pre.tokenizer(), Files.readAllLines(corpus),
                    work.resolve("purify-work"), null);
            PurifyCommand.save(purified, pre.model(), backdoored, recipe, report, "quickstart", 50,
                    Map.of("defense", "recipe"), Map.of("aux", corpus));
            System.out.printf("   Σ‖W_intermediate‖₂ %.2f -> %.2f%n", (Double) report.get("norm_before"), (Double) report.get("norm_after"));
        }
        // 4. fine-tune both on the generated task; ACC and the ASR of every NeuBA trigger
        Dataset task = EvaluateCommand.generated();
        DownstreamEvaluation.Config ev = new DownstreamEvaluation.Config(
                new Finetuning.Config(Cli.integer(cl, "epochs", 3), Cli.real(cl, "lr", 3e-4), 32, 64, 0.0, 1),
                Triggers.NEUBA_SYMBOLS, TriggerInsertion.first(), TargetLabelRule.maxOverLabels(), List.of(1L), 1000, 500,
                7, 128, false);
        List<ResultRecord> rows = new ArrayList<>();
        List<ResultRecord> neurons = new ArrayList<>();
        String[][] stages = {{"NeuBA-backdoored", backdoored.toString()}, {"after RECIPE", purified.toString()}};
        int stage = 3;
        for (String[] s : stages) {
            System.out.println("== " + stage++ + "/4 fine-tune and evaluate: " + s[0]);
            Path cells = work.resolve("eval-" + Path.of(s[1]).getFileName());
            Files.createDirectories(cells);
            DownstreamEvaluation.Outcome out = DownstreamEvaluation.run(s[0], Path.of(s[1]), task, ev, cells, "quickstart");
            rows.addAll(out.perSeed());
            neurons.addAll(out.neurons());
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
            for (ResultRecord n : neurons) if (n.get("model").equals(r.get("model"))) overlap += ((Number) n.get("overlap_ratio")).doubleValue();
            v.put("neuron overlap (mean over triggers)", String.format("%.3f", overlap / Triggers.NEUBA_SYMBOLS.size()));
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
