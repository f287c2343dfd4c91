package dev.recipe.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.AtomicFiles;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.core.Provenance;
import dev.recipe.train.Schedule;
import dev.recipe.train.TrainConfig;
import dev.recipe.train.TrainResult;
import dev.recipe.train.Trainer;
import dev.recipe.vision.ImageDataset;
import dev.recipe.zoo.data.ImageBatches;
import dev.recipe.zoo.tasks.ImageEvaluation;
import dev.recipe.zoo.vision.VisionModel;
import dev.recipe.zoo.vision.VisionModels;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Pre-trains a vision model (ViT or VGG) from scratch as an image classifier (the vision side's pre-training: NeuBA's and
 * RECIPE's vision models are supervised ImageNet classifiers; at mini scale, CIFAR-10) and writes a zoo model
 * directory with its classifier as the pre-training head, the held-out test accuracy, provenance and a card.
 */
final class VisionPretrainCommand implements Main.Command {
    static final String EXAMPLE = "./recipe pretrain-vision --task cifar10 --out zoo/models/vit-mini --epochs 10";

    @Override
    public String summary() {
        return "pre-train a mini ViT or VGG as an image classifier, or a mini CLIP on images and their class prompts (CIFAR-10 by default; writes a zoo model)";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        o.addOption(Cli.opt("task", "NAME", "image task to pre-train on: " + ImageDataset.tasksWith("train") + ", default cifar10"));
        o.addOption(Cli.opt("data", "DIR", "data root holding images/ (default ../shared/data)"));
        o.addOption(Cli.opt("per-class", "N", "at most N training images a class (the first by file name), default all"));
        o.addOption(Cli.opt("test-per-class", "N", "test images a class for the accuracy check, default 100 (0 = all)"));
        o.addOption(Cli.opt("out", "DIR", "model directory to write (replaced atomically at the end)"));
        o.addOption(Cli.opt("work", "DIR", "checkpoints (resumable), default runs/pretrain-<out name>"));
        o.addOption(Cli.opt("family", "NAME", "model family: " + VisionModels.families() + ", default vit"));
        o.addOption(Cli.opt("config", "NAME", "the family's architecture: ViT mini (default: 64x64 in 8x8 patches, hidden 256, "
                + "4 layers), small (hidden 128) or tiny; VGG mini (32x32, VGG-11 layout at quarter width) or tiny; CLIP mini "
                + "(vision tower of the ViT small's shape, 2-layer text tower, prompts \"a photo of a {class}\") or tiny"));
        o.addOption(Cli.opt("batch", "N", "batch size, default 64"));
        o.addOption(Cli.opt("epochs", "N", "epochs, default 10"));
        o.addOption(Cli.opt("lr", "X", "peak learning rate, default 1e-3"));
        o.addOption(Cli.opt("warmup", "F", "warm-up fraction of all steps, default 0.06"));
        o.addOption(Cli.opt("weight-decay", "X", "AdamW weight decay, default 0.05"));
        o.addOption(Cli.opt("seed", "N", "seed, default 42"));
        CommandLine cl = Cli.parse("pretrain-vision", EXAMPLE, o, args);
        if (cl == null) return 0;
        if (!cl.hasOption("out")) throw new ConfigException("--out is required (" + EXAMPLE + ")");
        Path out = Path.of(cl.getOptionValue("out"));
        Path work = Path.of(cl.getOptionValue("work", "runs/pretrain-" + out.getFileName()));
        String task = cl.getOptionValue("task", "cifar10");
        Path data = Path.of(cl.getOptionValue("data", "../shared/data"));
        int perClass = Cli.integer(cl, "per-class", 0);
        int testPerClass = Cli.integer(cl, "test-per-class", 100);
        int batch = Cli.integer(cl, "batch", 64);
        int epochs = Cli.integer(cl, "epochs", 10);
        double lr = Cli.real(cl, "lr", 1e-3);
        double warmup = Cli.real(cl, "warmup", 0.06);
        double wd = Cli.real(cl, "weight-decay", 0.05);
        long seed = Cli.integer(cl, "seed", 42);
        String arch = cl.getOptionValue("config", "mini");
        String family = cl.getOptionValue("family", "vit");

        ImageDataset train = ImageDataset.load(task, "train", data, perClass);
        ImageDataset test = ImageDataset.load(task, "test", data, testPerClass);
        VisionModel model = VisionModels.buildForPretraining(family, arch, train.classes(), DataType.FLOAT, seed);
        ImageBatches batches = new ImageBatches(train.images(), model.imageSize(), batch, true, seed, DataType.FLOAT,
                ImageBatches.HALF, ImageBatches.HALF);
        long steps = (long) batches.batchesPerEpoch() * epochs;
        TrainConfig tc = TrainConfig.of(lr, epochs).withWeightDecay(wd).withWarmupSteps(Math.round(steps * warmup))
                .withSchedule(Schedule.LINEAR).withClipNorm(1.0).withSeed(seed).withCheckpointEverySteps(100)
                .withLogEverySteps(20);
        long params = model.weights().values().stream().mapToLong(INDArray::length).sum();
        System.out.printf("pre-training a %s %s (%,d parameters) on %s: %,d images %s, %d steps%n", arch, family, params, task,
                batches.size(), java.util.Arrays.toString(train.countsPerClass()), steps);
        TrainResult r = new Trainer().fit(model.graph(), model.spec().pretrainLoss(), batches, tc, work.resolve("checkpoints"));
        double accuracy = ImageEvaluation.accuracy(model, new ImageBatches(test.images(), model.imageSize(), batch, false, 0,
                DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF));

        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("command", "pretrain-vision");
        resolved.put("family", family);
        resolved.put("architecture", arch);
        resolved.put("model", model.config());
        resolved.put("task", task);
        resolved.put("classes", train.classes());
        resolved.put("per_class", perClass);
        resolved.put("batch", batch);
        resolved.put("train", tc);
        resolved.put("preprocessing", "PIL bilinear resize to " + model.imageSize() + ", ToTensor, Normalize(0.5, 0.5); no augmentation");
        Provenance prov = Provenance.capture(String.join(" ", args), seed, resolved, Map.of(task + " archive", train.archive()));
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("task", task);
        training.put("steps", r.finalStep());
        training.put("examples", batches.size());
        training.put("resumed_from", r.resumedFrom());
        training.put("wall_seconds_this_process", r.wallTime().toMillis() / 1000.0);
        training.put("test_examples", test.images().size());
        training.put("test_accuracy", accuracy);
        training.put("losses", r.losses());
        AtomicFiles.writeDirectory(out, dir -> {
            model.save(dir, Map.of("source", "recipe pretrain-vision"));
            prov.write(dir.resolve("provenance.json"));
            Json.write(dir.resolve("training.json"), training);
            ModelCard.write(dir, out.getFileName().toString());
        });
        System.out.printf("wrote %s (final loss %.4f, %d steps, %.0f s; test accuracy %.4f on %d images)%n", out,
                r.finalLoss(), r.finalStep(), r.wallTime().toMillis() / 1000.0, accuracy, test.images().size());
        return 0;
    }
}
