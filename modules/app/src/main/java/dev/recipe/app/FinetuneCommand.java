package dev.recipe.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.text.Tokenizer;
import dev.recipe.text.LabelledText;
import dev.recipe.text.LabelledTsv;
import dev.recipe.zoo.Zoo;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertConfig;
import dev.recipe.zoo.bert.BertModel;
import dev.recipe.zoo.bert.PretrainedBert;
import dev.recipe.zoo.tasks.Finetuning;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Fine-tunes a pre-trained model on a labelled task and reports accuracy; with {@code --compare-random} also the
 * same architecture from random initialisation (the check that pre-training helps; {@code recipe evaluate
 * --record-card} records it in the model's card).
 */
final class FinetuneCommand implements Main.Command {
    static final String EXAMPLE = "./recipe finetune --model zoo:bert-mini --task sst2 --data ../shared/data/sst2 "
            + "--epochs 3 --lr 1e-4 --seeds 1,2,3 --compare-random";

    @Override
    public String summary() {
        return "fine-tune a model on a labelled task (sst2 TSV or the generated task) and print accuracy";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        o.addOption(Cli.opt("model", "DIR", "model directory or zoo:<name>, default zoo:bert-mini"));
        o.addOption(Cli.opt("task", "NAME", "sst2 (train.tsv / dev.tsv under --data) or generated, default generated"));
        o.addOption(Cli.opt("data", "DIR", "task data directory, default ../shared/data/sst2"));
        o.addOption(Cli.opt("train-size", "N", "use the first N training examples (default all)"));
        o.addOption(Cli.opt("epochs", "N", "default 3 (paper)"));
        o.addOption(Cli.opt("lr", "X", "default 1e-4 (mini scale; the paper's 2e-5 is for base models)"));
        o.addOption(Cli.opt("batch", "N", "default 32 (paper)"));
        o.addOption(Cli.opt("max-len", "N", "default 128 (paper)"));
        o.addOption(Cli.opt("seeds", "LIST", "comma-separated seeds, default 1"));
        o.addOption(Cli.opt("compare-random", null, "also fine-tune the same architecture from random initialisation"));
        o.addOption(Cli.opt("group-by-length", null,
                "batches of texts of similar length, in a shuffled order "
                + "(HuggingFace's group_by_length, batches shuffled)"));
        o.addOption(Cli.opt("init", "LIST", "which initialisations: pretrained, random or pretrained,random (default pretrained)"));
        CommandLine cl = Cli.parse("finetune", EXAMPLE, o, args);
        if (cl == null) return 0;
        Path modelDir = Zoo.resolve(cl.getOptionValue("model", "zoo:" + Zoo.BERT_MINI));
        String task = cl.getOptionValue("task", "generated");
        List<LabelledText> train;
        List<LabelledText> test;
        String testName;
        if (task.equals("sst2")) {
            Path data = Path.of(cl.getOptionValue("data", "../shared/data/sst2"));
            if (!Files.isDirectory(data)) throw new ConfigException("--data " + data + ": SST-2 directory not found");
            train = LabelledTsv.read(data.resolve("train.tsv"));
            test = LabelledTsv.read(data.resolve("dev.tsv"));
            testName = "SST-2 dev (" + test.size() + ")";
        } else if (task.equals("generated")) {
            train = GeneratedSentiment.generate(2000, 11);
            test = GeneratedSentiment.generate(500, 12);
            testName = "generated sentiment test (500)";
        } else {
            throw new ConfigException("--task must be sst2 or generated, was '" + task + "'");
        }
        int trainSize = Cli.integer(cl, "train-size", train.size());
        if (trainSize < train.size()) train = train.subList(0, trainSize);
        List<Long> seeds = new ArrayList<>();
        for (String s : cl.getOptionValue("seeds", "1").split(",")) seeds.add(Long.parseLong(s.trim()));
        int epochs = Cli.integer(cl, "epochs", 3);
        double lr = Cli.real(cl, "lr", 1e-4);
        int batch = Cli.integer(cl, "batch", 32);
        int maxLen = Cli.integer(cl, "max-len", 128);

        Tokenizer tok = PretrainedBert.tokenizer(modelDir);
        BertConfig config = BertConfig.read(modelDir.resolve(BertModel.CONFIG_FILE));
        int labels = (int) train.stream().mapToInt(LabelledText::label).max().orElse(1) + 1;
        Map<String, List<Double>> results = new LinkedHashMap<>();
        List<String> inits = List.of(cl.getOptionValue("init", cl.hasOption("compare-random") ? "pretrained,random" : "pretrained").split(","));
        for (String init : inits) {
            if (!init.equals("pretrained") && !init.equals("random")) {
                throw new ConfigException("--init takes pretrained and/or random, was '" + init + "'");
            }
        }
        for (String init : inits) {
            List<Double> accs = new ArrayList<>();
            for (long seed : seeds) {
                BertModel model = init.equals("pretrained")
                        ? BertModel.load(modelDir, Bert.Heads.classification(labels), DataType.FLOAT, seed)
                        : Bert.build(config, Bert.Heads.classification(labels), DataType.FLOAT, seed);
                Finetuning.Config fc = new Finetuning.Config(epochs, lr, batch, maxLen, 0.0, seed,
                        Finetuning.PoolerMode.KEEP, Finetuning.Selection.LAST_EPOCH, cl.hasOption("group-by-length"));
                Finetuning.Result r = Finetuning.run(model, tok, train, test, fc, null);
                System.out.printf("%s seed %d: ACC %.4f on %s (%d training examples, %d steps, %.0f s)%n", init, seed,
                        r.accuracy(), testName, train.size(), r.training().finalStep(), r.training().wallTime().toMillis() / 1e3);
                accs.add(r.accuracy());
            }
            results.put(init, accs);
        }
        results.forEach((k, v) -> System.out.printf("%s: mean ACC %.4f over seeds %s%n", k, mean(v), seeds));
        return 0;
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
