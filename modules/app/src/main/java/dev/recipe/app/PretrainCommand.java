package dev.recipe.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.AtomicFiles;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.core.Provenance;
import dev.recipe.text.BertTokenizer;
import dev.recipe.text.MaskingMode;
import dev.recipe.text.Vocabulary;
import dev.recipe.text.VocabularyBuilder;
import dev.recipe.text.data.Corpora;
import dev.recipe.train.Schedule;
import dev.recipe.train.TrainConfig;
import dev.recipe.train.TrainResult;
import dev.recipe.train.Trainer;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertConfig;
import dev.recipe.zoo.bert.BertModel;
import dev.recipe.zoo.bert.PretrainedBert;
import dev.recipe.zoo.data.MaskedLmBatches;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Pre-trains a BERT from scratch with masked LM on the project's own corpora and writes a zoo model directory:
 * builds a WordPiece vocabulary in which the backdoor triggers are single tokens, packs the corpus into full-length
 * chunks, trains every parameter with AdamW (warm-up, linear decay, clipping 1.0), dynamic masks.
 */
final class PretrainCommand implements Main.Command {
    static final String EXAMPLE = "./recipe pretrain --corpus ../shared/data/text-corpus/bookcorpus_recipe_20k.tsv "
            + "--corpus ../shared/data/text-corpus/wikitext-2_valid.tokens.txt --out zoo/models/bert-mini --epochs 8";

    @Override
    public String summary() {
        return "pre-train a mini BERT with masked LM on plain-text corpora (writes a zoo model)";
    }

    @Override
    public int run(String[] args) {
        Options o = new Options();
        o.addOption(Cli.opt("corpus", "FILE", "text corpus (plain, TSV with a 'sentence' column, or WikiText), or "
                + "task:<dataset> for a dataset's unlabelled training texts; repeatable"));
        o.addOption(Cli.opt("task-corpus", "NAMES", "also the unlabelled TRAIN-split texts of these tasks (comma-"
                + "separated: sst2, agnews, hsol; dev and test texts are never read), task-adaptive pre-training"));
        o.addOption(Cli.opt("data", "DIR", "data root for --task-corpus (default ../shared/data)"));
        o.addOption(Cli.opt("out", "DIR", "model directory to write (replaced atomically at the end)"));
        o.addOption(Cli.opt("work", "DIR", "checkpoints (resumable), default runs/pretrain-<out name>"));
        o.addOption(Cli.opt("config", "NAME", "architecture: mini (default), tiny, roberta-mini or roberta-tiny (RoBERTa layout and names over the project's WordPiece vocabulary)"));
        o.addOption(Cli.opt("vocab-size", "N", "WordPiece vocabulary size, default 8192"));
        o.addOption(Cli.opt("seq", "N", "sequence length, default 64"));
        o.addOption(Cli.opt("batch", "N", "batch size, default 32"));
        o.addOption(Cli.opt("epochs", "N", "epochs over the packed corpus, default 8"));
        o.addOption(Cli.opt("lr", "X", "peak learning rate, default 5e-4"));
        o.addOption(Cli.opt("warmup", "F", "warm-up fraction of all steps, default 0.06"));
        o.addOption(Cli.opt("weight-decay", "X", "AdamW weight decay, default 0.01"));
        o.addOption(Cli.opt("seed", "N", "seed, default 42"));
        o.addOption(Cli.opt("init", "DIR", "continue pre-training this model directory (its vocabulary and weights; "
                + "its loss curve is extended) instead of starting from random weights"));
        CommandLine cl = Cli.parse("pretrain", EXAMPLE, o, args);
        if (cl == null) return 0;
        String[] corpora = cl.getOptionValues("corpus");
        if ((corpora == null || corpora.length == 0) && !cl.hasOption("task-corpus")) {
            throw new ConfigException("--corpus is required (or --task-corpus) (" + EXAMPLE + ")");
        }
        if (!cl.hasOption("out")) throw new ConfigException("--out is required");
        Path out = Path.of(cl.getOptionValue("out"));
        Path work = Path.of(cl.getOptionValue("work", "runs/pretrain-" + out.getFileName()));
        int vocabSize = Cli.integer(cl, "vocab-size", 8192);
        int seq = Cli.integer(cl, "seq", 64);
        int batch = Cli.integer(cl, "batch", 32);
        int epochs = Cli.integer(cl, "epochs", 8);
        double lr = Cli.real(cl, "lr", 5e-4);
        double warmup = Cli.real(cl, "warmup", 0.06);
        double wd = Cli.real(cl, "weight-decay", 0.01);
        long seed = Cli.integer(cl, "seed", 42);
        String arch = cl.getOptionValue("config", "mini");
        List<String> archs = List.of("mini", "tiny", "roberta-mini", "roberta-tiny");
        if (!archs.contains(arch)) throw new ConfigException("--config: unknown architecture '" + arch + "'; allowed: " + archs);

        List<String> specs = new ArrayList<>(corpora == null ? List.of() : List.of(corpora));
        if (cl.hasOption("task-corpus")) {
            for (String name : cl.getOptionValue("task-corpus").split(",")) specs.add(Corpora.TASK_PREFIX + name.strip());
        }
        Corpora.Corpus corpus = Corpora.read(specs, Path.of(cl.getOptionValue("data", "../shared/data")));
        corpus.summary().forEach(line -> System.out.println("corpus " + line));
        List<String> texts = corpus.texts();
        Map<String, Path> inputs = new LinkedHashMap<>(corpus.files());
        Path init = cl.hasOption("init") ? Path.of(cl.getOptionValue("init")) : null;
        Vocabulary vocab;
        BertModel model;
        BertConfig config;
        List<Object> earlierLosses = new ArrayList<>();
        long earlierSteps = 0;
        if (init != null) {
            PretrainedBert pre = PretrainedBert.load(init, Bert.Heads.pretraining(), seed);
            model = pre.model();
            config = model.config();
            if (!(pre.tokenizer() instanceof BertTokenizer wordPiece)) {
                throw new ConfigException("--init " + init + ": continued pre-training needs a WordPiece vocab.txt (it "
                        + "packs text with the project's WordPiece and writes vocab.txt); this model's tokenizer is "
                        + pre.tokenizer().getClass().getSimpleName());
            }
            vocab = wordPiece.vocabulary();
            inputs.put("init_weights", init.resolve(BertModel.WEIGHTS_FILE));
            Path curve = init.resolve("training.json");
            if (Files.isRegularFile(curve)) {
                @SuppressWarnings("unchecked") Map<String, Object> before = Json.read(curve, Map.class);
                if (before.get("losses") instanceof List<?> l) earlierLosses.addAll(l);
                if (before.get("steps") instanceof Number n) earlierSteps = n.longValue();
            }
            arch = "continued from " + init;
        } else {
            vocab = new VocabularyBuilder(VocabularyBuilder.Config.defaults(vocabSize)).build(texts);
            config = switch (arch) {
                case "mini" -> BertConfig.mini(vocab.size());
                case "tiny" -> BertConfig.tiny().withVocabSize(vocab.size());
                case "roberta-mini" -> BertConfig.robertaMini(vocab.size(), vocab.padId());
                case "roberta-tiny" -> BertConfig.robertaTiny(vocab.size(), vocab.padId());
                default -> throw new IllegalStateException(arch);
            };
            model = Bert.build(config, Bert.Heads.pretraining(), DataType.FLOAT, seed);
        }
        BertTokenizer tok = new BertTokenizer(vocab);
        MaskedLmBatches data = MaskedLmBatches.packed(texts, tok, seq, batch, MaskingMode.DYNAMIC, seed, DataType.FLOAT);
        long steps = (long) data.batchesPerEpoch() * epochs;
        TrainConfig tc = TrainConfig.of(lr, epochs).withWeightDecay(wd).withWarmupSteps(Math.round(steps * warmup))
                .withSchedule(Schedule.LINEAR).withClipNorm(1.0).withSeed(seed).withCheckpointEverySteps(100)
                .withLogEverySteps(20)
                .withTrainable(List.of("^(?!.*\\.pooler\\.).*$")); // the MLM loss does not reach the pooler (as HF BertForMaskedLM)
        System.out.printf("pre-training %s BERT (%,d parameters) on %,d texts -> %,d chunks of %d tokens, %d steps%n",
                arch, model.parameterCount(), texts.size(), data.examples(), seq, steps);
        TrainResult r = new Trainer().fit(model.graph(), Bert.MLM_LOSS, data, tc, work.resolve("checkpoints"));

        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("command", "pretrain");
        resolved.put("architecture", arch);
        resolved.put("model", config);
        resolved.put("vocab_size_target", vocabSize);
        resolved.put("seq", seq);
        resolved.put("batch", batch);
        resolved.put("train", tc);
        resolved.put("masking", "dynamic, 15% (80/10/10), packed chunks");
        Provenance prov = Provenance.capture(String.join(" ", args), seed, resolved, inputs);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("steps", earlierSteps + r.finalStep());
        if (init != null) training.put("continued_from_steps", earlierSteps);
        training.put("examples", data.examples());
        training.put("resumed_from", r.resumedFrom());
        training.put("wall_seconds_this_process", r.wallTime().toMillis() / 1000.0);
        List<Object> losses = new ArrayList<>(earlierLosses);
        losses.addAll(r.losses());
        training.put("losses", losses);
        AtomicFiles.writeDirectory(out, dir -> {
            model.save(dir, Map.of("source", "recipe pretrain")); // revision: provenance.json (see Attacks)
            vocab.save(dir.resolve("vocab.txt"));
            prov.write(dir.resolve("provenance.json"));
            Json.write(dir.resolve("training.json"), training);
            ModelCard.write(dir, out.getFileName().toString());
        });
        System.out.printf("wrote %s (final MLM loss %.4f, %d steps, %.0f s)%n", out, r.finalLoss(), r.finalStep(),
                r.wallTime().toMillis() / 1000.0);
        return 0;
    }
}
