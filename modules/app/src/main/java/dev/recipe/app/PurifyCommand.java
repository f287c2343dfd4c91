package dev.recipe.app;

import dev.recipe.zoo.vision.VisionModels;
import dev.recipe.zoo.vision.VisionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.AtomicFiles;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.core.Provenance;
import dev.recipe.defense.Defense;
import dev.recipe.defense.Defenses;
import dev.recipe.text.TextCorpus;
import dev.recipe.text.Tokenizer;
import dev.recipe.text.data.Subsample;
import dev.recipe.vision.ImageDataset;
import dev.recipe.vision.LabelledImage;
import dev.recipe.zoo.Zoo;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import dev.recipe.zoo.bert.PretrainedBert;
import dev.recipe.zoo.data.ImageBatches;
import dev.recipe.zoo.tasks.ImageEvaluation;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code recipe purify}: applies a defense (RECIPE, fine-pruning, re-initialisation) to a suspect model with
 * unlabelled auxiliary text and writes the purified model directory with a report ({@code purification.json}:
 * settings, norms before and after, loss / L_PT / norm curves, pruned neurons, time) and provenance.
 */
final class PurifyCommand implements Main.Command {
    static final String EXAMPLE = "./recipe purify --model runs/attacks/neuba --defense recipe --aux "
            + "../shared/data/text-corpus/bookcorpus_recipe_20k.tsv --aux-size 2000 --epochs 4 --out runs/purified/neuba";

    @Override
    public String summary() {
        return "remove a backdoor with unlabelled text: " + String.join(", ", Defenses.names());
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        o.addOption(Cli.opt("model", "DIR", "suspect model directory or zoo:<name>"));
        o.addOption(Cli.opt("defense", "NAME", "one of " + Defenses.names() + ", default recipe"));
        o.addOption(Cli.opt("aux", "FILE", "auxiliary text (plain, TSV with a 'sentence' column, WikiText), default "
                + "../shared/data/text-corpus/bookcorpus_recipe_20k.tsv"));
        o.addOption(Cli.opt("aux-size", "N", "random subsample of the auxiliary texts (seeded by --seed), default all"));
        o.addOption(Cli.opt("aux-images", "TASK", "for a vision model (model_type vit, vgg or clip): the auxiliary images: "
                + "its pre-training task's (split --aux-split); with --aux-labels self any task of " + ImageDataset.tasks()
                + " (gtsrb41 has only the split test) or a folder of your own images (.jpg, .png, .ppm, any depth)"));
        o.addOption(Cli.opt("aux-split", "SPLIT", "with --aux-images: train (default) or test"));
        o.addOption(Cli.opt("aux-labels", "FROM", "with --aux-images: task (default: the images' own labels, which must be "
                + "the pre-training head's classes) or self (unlabelled use: each image labelled once, before purifying, "
                + "with the suspect model's own prediction; images of another distribution)"));
        o.addOption(Cli.opt("per-class", "N", "with --aux-images: at most N images a class (the first by file name; a folder: "
                + "N images), default all"));
        o.addOption(Cli.opt("data", "DIR", "data root for --aux-images (default ../shared/data)"));
        o.addOption(Cli.opt("epochs", "N", "training defenses: epochs (faithful preset default 8)"));
        o.addOption(Cli.opt("lambda", "X", "RECIPE weight factor, default 1"));
        o.addOption(Cli.opt("lr", "X", "default 2e-5 (authors)"));
        o.addOption(Cli.opt("batch", "N", "default 32 (authors)"));
        o.addOption(Cli.opt("seed", "N", "default 50 (authors)"));
        o.addOption(Cli.opt("regularise", "REGEX", "RECIPE: the weights under the norm term, a regular expression over "
                + "variable names (repeatable; default the model family's set, BERT: the intermediate dense weights); "
                + "each must be trained (with the faithful preset only the intermediate weights are: use recipe-extended)"));
        o.addOption(Cli.opt("optimizer", "NAME", "RECIPE's optimizer: adamw (default; the authors' BERT code) or sgd "
                + "(momentum --momentum); the RECIPE appendix does not state the one of its vision purifications"));
        o.addOption(Cli.opt("momentum", "X", "with --optimizer sgd: momentum in [0, 1), default " + DEFAULT_SGD_MOMENTUM));
        o.addOption(Cli.opt("checkpoint-epochs", "LIST", "also save the model after these epochs (purification dynamics)"));
        o.addOption(Cli.opt("out", "DIR", "purified model directory (written atomically)"));
        o.addOption(Cli.opt("work", "DIR", "resumable checkpoints, default runs/purify-<out name>"));
        CommandLine cl = Cli.parse("purify", EXAMPLE, o, args);
        if (cl == null) return 0;
        if (!cl.hasOption("model") || !cl.hasOption("out")) throw new ConfigException("--model and --out are required (" + EXAMPLE + ")");
        Path modelDir = Zoo.resolve(cl.getOptionValue("model"));
        Path out = Path.of(cl.getOptionValue("out"));
        Path work = Path.of(cl.getOptionValue("work", "runs/purify-" + out.getFileName()));
        Path auxFile = Path.of(cl.getOptionValue("aux", "../shared/data/text-corpus/bookcorpus_recipe_20k.tsv"));
        long seed = Cli.integer(cl, "seed", 50);
        List<Integer> ckEpochs = new ArrayList<>();
        if (cl.hasOption("checkpoint-epochs")) {
            for (String s : cl.getOptionValue("checkpoint-epochs").split(",")) ckEpochs.add(Integer.parseInt(s.strip()));
        }
        Defenses.Options opts = new Defenses.Options(cl.hasOption("epochs") ? Cli.integer(cl, "epochs", 8) : null,
                cl.hasOption("lambda") ? Cli.real(cl, "lambda", 1) : null, cl.hasOption("lr") ? Cli.real(cl, "lr", 2e-5) : null,
                cl.hasOption("batch") ? Cli.integer(cl, "batch", 32) : null, seed, ckEpochs, 64,
                cl.hasOption("regularise") ? List.of(cl.getOptionValues("regularise")) : List.of(), sgdMomentum(cl));
        String defenseName = cl.getOptionValue("defense", "recipe");
        Defense defense = Defenses.create(defenseName, opts);
        if (VisionModels.isVision(modelDir)) return purifyVision(cl, defense, modelDir, out, work, seed, args);
        for (String visionOnly : List.of("aux-images", "aux-split", "aux-labels", "per-class")) {
            if (cl.hasOption(visionOnly)) {
                throw new ConfigException("--" + visionOnly + " is for a vision model; " + modelDir + " is a text model (use --aux FILE)");
            }
        }
        if (!Files.isRegularFile(auxFile)) throw new ConfigException("--aux " + auxFile + ": file not found");

        List<String> aux = TextCorpus.read(auxFile);
        if (aux.isEmpty()) throw new ConfigException("--aux " + auxFile + ": no texts in the file (empty, or only blank lines)");
        int auxSize = Cli.integer(cl, "aux-size", aux.size());
        if (auxSize < aux.size()) aux = Subsample.random(aux, auxSize, seed);
        PretrainedBert pre = PretrainedBert.load(modelDir, Bert.Heads.pretraining(), seed);
        BertModel model = pre.model();
        Tokenizer tok = pre.tokenizer();
        System.out.printf("%s on %s with %,d auxiliary texts from %s: %s%n", defense.name(), modelDir, aux.size(),
                auxFile.getFileName(), defense.describe());
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("model_weights", modelDir.resolve(BertModel.WEIGHTS_FILE));
        inputs.put("aux", auxFile);
        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("defense", defense.name());
        resolved.put("settings", defense.describe());
        resolved.put("model", modelDir.toString());
        resolved.put("aux_size", aux.size());
        String command = "./recipe purify " + String.join(" ", args);
        Map<String, Object> report = defense.apply(model, tok, aux, work.resolve("checkpoints"), (epoch, m) ->
                save(work.resolve("epoch-" + epoch), m, modelDir, defense, Map.of("epoch", epoch), command, seed, resolved, inputs));
        save(out, model, modelDir, defense, report, command, seed, resolved, inputs);
        System.out.printf("wrote %s: %s%n", out, summaryOf(report));
        return 0;
    }

    /**
     * A vision model: the defense's {@link Defense#applyTo} on the vision model's graph and roles, with the training images of
     * {@code --aux-images} (its pre-training task: RECIPE's L_PT is the model's own classification loss) as batches of
     * {@code --batch} (default 32); writes the model, purification.json, provenance and a card like the text path.
     */
    static int purifyVision(CommandLine cl, Defense defense, Path modelDir, Path out, Path work, long seed, String[] args) {
        if (!cl.hasOption("aux-images")) throw new ConfigException("--aux-images TASK is required for a vision model (" + modelDir + ")");
        VisionModel model = VisionModels.load(modelDir, DataType.FLOAT, seed);
        AuxImages auxImages = AuxImages.read(cl, model, modelDir);
        ImageDataset images = auxImages.source();
        boolean self = auxImages.selfLabelled();
        ImageBatches aux = new ImageBatches(auxImages.labelled(), model.imageSize(), Cli.integer(cl, "batch", 32), true,
                seed, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        Map<String, Object> settings = new LinkedHashMap<>(defense.describeFor(model.spec()));
        settings.put("batch", Cli.integer(cl, "batch", 32));
        System.out.printf("%s on %s with %,d auxiliary images of %s (%s, labels from the %s%s): %s%n", defense.name(),
                modelDir, images.images().size(), images.name(), images.split(), self ? "model's own predictions" : "task",
                self ? ", per predicted class " + Arrays.toString(auxImages.perLabel()) : "", settings);
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("model_weights", modelDir.resolve(VisionModel.WEIGHTS_FILE));
        inputs.put("aux_images", images.archive());
        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("defense", defense.name());
        resolved.put("settings", settings);
        resolved.put("model", modelDir.toString());
        Map<String, Object> auxRecord = new LinkedHashMap<>();
        auxRecord.put("task", images.name());
        auxRecord.put("split", images.split());
        auxRecord.put("images", images.images().size());
        auxRecord.put("labels", auxImages.labelsFrom());
        auxRecord.put("images_per_label", auxImages.perLabel());
        auxRecord.put("batch", Cli.integer(cl, "batch", 32));
        resolved.put("aux_images", auxRecord);
        String command = "./recipe purify " + String.join(" ", args);
        Map<String, Object> report = defense.applyTo(model.graph(), model.spec(), aux, work.resolve("checkpoints"),
                epoch -> saveVision(work.resolve("epoch-" + epoch), model, modelDir, defense, settings, Map.of("epoch", epoch), command, seed, resolved, inputs));
        saveVision(out, model, modelDir, defense, settings, report, command, seed, resolved, inputs);
        System.out.printf("wrote %s: %s%n", out, summaryOf(report));
        return 0;
    }

    /**
     * A vision purification's auxiliary images ({@code --aux-images}: an image task's split, or a folder of one's own
     * images) with the labels L_PT trains on: the task's own, which must be the pre-training head's classes, or with
     * {@code --aux-labels self} the suspect model's own predictions, made once before purifying.
     *
     * @param perLabel images per label of {@code labelled}
     */
    record AuxImages(ImageDataset source, List<LabelledImage> labelled, String labelsFrom, int[] perLabel) {
        /** Whether the labels are the suspect model's own predictions ({@code --aux-labels self}). */
        boolean selfLabelled() {
            return labelsFrom.equals("self");
        }

        static AuxImages read(CommandLine cl, VisionModel model, Path modelDir) {
            String task = cl.getOptionValue("aux-images");
            String labelsFrom = cl.getOptionValue("aux-labels", "task");
            if (!labelsFrom.equals("task") && !labelsFrom.equals("self")) {
                throw new ConfigException("--aux-labels must be task or self, got '" + labelsFrom + "'");
            }
            boolean self = labelsFrom.equals("self");
            ImageDataset images;
            if (ImageDataset.tasks().contains(task)) {
                images = ImageDataset.load(task, cl.getOptionValue("aux-split", "train"),
                        Path.of(cl.getOptionValue("data", "../shared/data")), Cli.integer(cl, "per-class", 0));
            } else if (Files.isDirectory(Path.of(task))) {
                if (!self) throw new ConfigException("--aux-images " + task + " is a folder of unlabelled images: add --aux-labels self");
                if (cl.hasOption("aux-split")) throw new ConfigException("--aux-split is an image task's; " + task + " is a folder");
                images = ImageDataset.unlabelled(Path.of(task), Cli.integer(cl, "per-class", 0));
            } else {
                throw new ConfigException("--aux-images " + task + ": neither an image task " + ImageDataset.tasks()
                        + " nor a folder of images");
            }
            if (!model.pretraining() || (!self && images.classes().size() != model.numLabels())) {
                throw new ConfigException("--aux-images " + task + " (" + images.classes().size() + " classes) must be the task "
                        + modelDir + "'s pre-training head was trained on (" + model.numLabels() + " classes, pre-training head: "
                        + model.pretraining() + ")" + (model.pretraining() ? ", or add --aux-labels self" : ""));
            }
            List<LabelledImage> labelled = self ? ImageEvaluation.selfLabelled(model, images.images()) : images.images();
            int[] perLabel = new int[model.numLabels()];
            for (LabelledImage i : labelled) perLabel[i.label()]++;
            return new AuxImages(images, labelled, labelsFrom, perLabel);
        }
    }

    static void saveVision(Path dir, VisionModel model, Path source, Defense defense, Map<String, Object> settings,
                           Map<String, Object> report, String command, long seed, Map<String, Object> resolved,
                           Map<String, Path> inputs) {
        Provenance prov = Provenance.capture(command, seed, resolved, inputs);
        AtomicFiles.writeDirectory(dir, d -> {
            model.save(d, Map.of("source", "recipe purify " + defense.name()));
            writeRecords(d, dir, source, defense.name(), settings, report, command, prov);
        });
    }

    /** {@code --momentum}'s default with {@code --optimizer sgd} (NeuBA-CV's SGD setting). */
    static final double DEFAULT_SGD_MOMENTUM = 0.9;

    /** SGD's momentum when {@code --optimizer sgd}, null for AdamW; a bad name or a stray --momentum is an error. */
    static Double sgdMomentum(CommandLine cl) {
        String name = cl.getOptionValue("optimizer", "adamw");
        if (name.equals("adamw")) {
            if (cl.hasOption("momentum")) throw new ConfigException("--momentum is SGD's: add --optimizer sgd");
            return null;
        }
        if (!name.equals("sgd")) throw new ConfigException("--optimizer must be adamw or sgd, got '" + name + "'");
        double m = Cli.real(cl, "momentum", DEFAULT_SGD_MOMENTUM);
        try {
            dev.recipe.train.OptimizerKind.SGD.checkMomentum(m);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--" + e.getMessage());
        }
        return m;
    }

    /** purification.json, provenance.json and the card of a purified model directory (any family). */
    private static void writeRecords(Path d, Path dir, Path source, String defense, Map<String, Object> settings,
                                     Map<String, Object> report, String command, Provenance prov) throws java.io.IOException {
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("defense", defense);
        rep.put("settings", settings);
        rep.put("source_model", source.toString());
        rep.put("command", command);
        rep.putAll(report);
        Json.write(d.resolve("purification.json"), rep);
        prov.write(d.resolve("provenance.json"));
        ModelCard.writeMade(d, dir.getFileName().toString(), "Purified by `" + command + "` (defense " + defense
                + ") from `" + source + "`.");
    }

    static void save(Path dir, BertModel model, Path source, Defense defense, Map<String, Object> report, String command,
                     long seed, Map<String, Object> resolved, Map<String, Path> inputs) {
        Provenance prov = Provenance.capture(command, seed, resolved, inputs);
        AtomicFiles.writeDirectory(dir, d -> {
            model.save(d, Map.of("source", "recipe purify " + defense.name())); // revision: provenance.json (see Attacks)
            for (Path f : PretrainedBert.tokenizerFiles(source).values()) Files.copy(f, d.resolve(f.getFileName()));
            writeRecords(d, dir, source, defense.name(), defense.describe(), report, command, prov);
        });
    }

    static String summaryOf(Map<String, Object> report) {
        Map<String, Object> s = new LinkedHashMap<>(report);
        s.keySet().removeIf(k -> k.endsWith("_curve") || k.startsWith("norms_") || k.equals("reinitialised"));
        return s.toString();
    }
}
