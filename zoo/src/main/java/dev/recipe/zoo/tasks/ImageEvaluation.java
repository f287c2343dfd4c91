package dev.recipe.zoo.tasks;

import dev.recipe.zoo.vision.VisionModels;
import dev.recipe.zoo.vision.VisionModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.eval.AttackReport;
import dev.recipe.eval.AttackSuccess;
import dev.recipe.core.Provenance;
import dev.recipe.core.SafeTensors;
import dev.recipe.eval.ClassificationMetrics;
import dev.recipe.eval.ResultRecord;
import dev.recipe.eval.ResultTable;
import dev.recipe.eval.TargetLabelRule;
import dev.recipe.eval.TriggerOutcome;
import dev.recipe.train.TrainConfig;
import dev.recipe.train.TrainResult;
import dev.recipe.train.Trainer;
import dev.recipe.vision.CheckerboardTriggers;
import dev.recipe.vision.ImageDataset;
import dev.recipe.vision.LabelledImage;
import dev.recipe.vision.RgbImage;
import dev.recipe.zoo.data.ImageBatches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The papers' downstream protocol on an image task: fine-tune a (possibly backdoored or purified) ViT with a fresh
 * classifier on the task's training images, then measure clean accuracy and, for each of NeuBA's checkerboard
 * triggers, the attack success rate on the test images with the trigger pasted (every test image poisoned, as the
 * NeuBA authors evaluate), reduced to ASR per trigger, AASR and MASR by the same model-free code as the text side
 * ({@link TriggerOutcome}, {@link AttackSuccess}; the target label of a trigger is the one it flips most test images
 * to, {@link TargetLabelRule#maxOverLabels()}).
 *
 * <p>Fine-tuning uses the project's AdamW trainer (every parameter, linear decay, clipping 1.0); the NeuBA authors
 * fine-tune their vision models with SGD (lr 0.001, 10 epochs, batch 64).
 */
public final class ImageEvaluation {
    private ImageEvaluation() {}

    /** Fine-tuning settings. */
    public record Config(int epochs, double learningRate, int batchSize, double weightDecay, long seed) {
        public Config {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("epochs and batch size must be >= 1 and the learning rate > 0");
            }
        }
    }

    /** Clean accuracy and macro-F1, and the trigger report, of one fine-tuned model on one task. */
    public record Outcome(double accuracy, double macroF1, AttackReport attack, TrainResult training) {}

    /**
     * Loads {@code modelDir} with a fresh {@code numLabels}-class head, fine-tunes it on {@code train} and evaluates it
     * on {@code test}. Images are resized to the model's input size as PIL does and normalised as NeuBA's loaders.
     */
    public static Outcome run(Path modelDir, List<LabelledImage> train, List<LabelledImage> test, int numLabels, Config cfg) {
        VisionModel model = VisionModels.load(modelDir, null, numLabels, false, DataType.FLOAT, cfg.seed());
        int size = model.imageSize();
        ImageBatches batches = new ImageBatches(train, size, cfg.batchSize(), true, cfg.seed(), DataType.FLOAT,
                ImageBatches.HALF, ImageBatches.HALF);
        TrainConfig tc = TrainConfig.of(cfg.learningRate(), cfg.epochs()).withWeightDecay(cfg.weightDecay())
                .withSeed(cfg.seed()).withCheckpointEverySteps(0);
        TrainResult r = new Trainer().fit(model.graph(), VisionModel.CLS_LOSS, batches, tc, null);
        ImageBatches probe = new ImageBatches(test, size, cfg.batchSize(), false, 0, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        int[] labels = new int[probe.size()];
        List<RgbImage> clean = new ArrayList<>();
        for (int i = 0; i < probe.size(); i++) {
            labels[i] = probe.label(i);
            clean.add(probe.image(i));
        }
        int[] predicted = predict(model, probe, clean);
        ClassificationMetrics m = ClassificationMetrics.of(labels, predicted, numLabels);
        List<TriggerOutcome> outcomes = new ArrayList<>();
        for (int t = 0; t < CheckerboardTriggers.count(); t++) {
            List<RgbImage> poisoned = new ArrayList<>();
            for (RgbImage img : clean) poisoned.add(CheckerboardTriggers.apply(img, t));
            outcomes.add(TriggerOutcome.fromPoisonedAll(CheckerboardTriggers.name(t), labels, predict(model, probe, poisoned), numLabels));
        }
        return new Outcome(m.accuracy(), m.macroF1(), AttackSuccess.evaluate(outcomes, TargetLabelRule.maxOverLabels()), r);
    }

    /**
     * {@link #run} for each seed on one task, each (task, seed) written as one JSON cell {@code <task>-seed<N>.json}
     * under {@code cellsDir} with its provenance (as the text evaluation's cells: the settings, the weights' tensor
     * sha256, the data's sha256); a finished cell is reused only when its settings and the model's weights match.
     */
    public static List<ResultRecord> runCells(String modelName, Path modelDir, ImageDataset train, ImageDataset test,
                                              Config cfg, List<Long> seeds, Path cellsDir, String command) throws java.io.IOException {
        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("task", train.name());
        resolved.put("model", modelName);
        resolved.put("init", "pretrained");
        resolved.put("train_images", train.images().size());
        resolved.put("test_images", test.images().size());
        resolved.put("finetune", finetuneSettings(cfg, cfg.seed()));
        resolved.put("triggers", "NeuBA's six 4x4 checkerboards, lower-right corner, every test image");
        resolved.put("target_label_rule", TargetLabelRule.maxOverLabels().toString());
        resolved.put("preprocessing", "PIL bilinear resize to the model's image size, ToTensor, Normalize(0.5, 0.5)");
        resolved.put("seeds", seeds);
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("model_weights", modelDir.resolve(VisionModel.WEIGHTS_FILE));
        inputs.put(train.name() + " archive", train.archive());
        java.nio.file.Files.createDirectories(cellsDir);
        List<ResultRecord> out = new ArrayList<>();
        for (long seed : seeds) {
            Path cell = cellsDir.resolve(train.name() + "-seed" + seed + ".json");
            if (java.nio.file.Files.isRegularFile(cell)) {
                List<ResultRecord> earlier = ResultTable.readJson(cell).records();
                for (ResultRecord r : earlier) DownstreamEvaluation.checkCell(cell, r, DownstreamEvaluation.cellSettings(resolved), modelDir, false);
                out.addAll(earlier);
                System.out.printf("%s seed %d: done earlier (%s)%n", train.name(), seed, cell);
                continue;
            }
            long start = System.nanoTime();
            Config c = new Config(cfg.epochs(), cfg.learningRate(), cfg.batchSize(), cfg.weightDecay(), seed);
            Outcome o = run(modelDir, train.images(), test.images(), train.classes().size(), c);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s seed %d: ACC %.4f macro-F1 %.4f AASR %.4f MASR %.4f (%s) in %.0f s%n", train.name(), seed,
                    o.accuracy(), o.macroF1(), o.attack().aasr(), o.attack().masr(), o.attack().masrTrigger(), seconds);
            Map<String, Object> cellResolved = new LinkedHashMap<>(resolved);
            cellResolved.put("finetune", finetuneSettings(cfg, seed));
            ResultRecord r = ResultRecord.builder()
                    .put("model", modelName)
                    .put("task", train.name())
                    .put("init", "pretrained")
                    .put("seed", seed)
                    .put("train_examples", train.images().size())
                    .put("test_examples", test.images().size())
                    .put("ACC", o.accuracy())
                    .put("macro_F1", o.macroF1())
                    .putAll(o.attack().flat())
                    .put("final_train_loss", o.training().finalLoss())
                    .put("seconds", Math.round(seconds))
                    .provenance(Provenance.capture(command, seed, cellResolved, inputs))
                    .provenance(DownstreamEvaluation.MODEL_TENSORS_KEY, SafeTensors.contentSha256(modelDir.resolve(VisionModel.WEIGHTS_FILE)))
                    .provenance(DownstreamEvaluation.MADE_FROM_KEY, DownstreamEvaluation.madeFrom(modelDir))
                    .provenance("attack_report", o.attack().toMap())
                    .build();
            new ResultTable(List.of(r)).writeJson(cell);
            out.add(r);
        }
        return out;
    }

    /** The fine-tuning settings a cell records, with its own seed. */
    private static Map<String, Object> finetuneSettings(Config cfg, long seed) {
        return Map.of("epochs", cfg.epochs(), "lr", cfg.learningRate(), "batch", cfg.batchSize(),
                "weight_decay", cfg.weightDecay(), "seed", seed,
                "optimizer", "AdamW, linear decay, no warm-up, clip 1.0, every parameter trainable, fresh classifier");
    }

    /** The share of {@code probe}'s images whose predicted class is their label. */
    public static double accuracy(VisionModel model, ImageBatches probe) {
        int[] predicted = predictAll(model, probe);
        long right = 0;
        for (int i = 0; i < predicted.length; i++) right += predicted[i] == probe.label(i) ? 1 : 0;
        return (double) right / predicted.length;
    }

    /**
     * {@code images} labelled with {@code model}'s own predictions (its head's argmax; CLIP's: the nearest class
     * prompt), for auxiliary images that have no labels in the head's classes: RECIPE's L_PT then asks the model to
     * keep what it predicts on them while the norm term shrinks the weights. The model's preprocessing is the
     * purification's ({@link ImageBatches#HALF}).
     */
    public static List<LabelledImage> selfLabelled(VisionModel model, List<LabelledImage> images) {
        ImageBatches probe = new ImageBatches(images, model.imageSize(), 64, false, 0,
                model.graph().getVariable(VisionModel.LOGITS).dataType(), ImageBatches.HALF, ImageBatches.HALF);
        int[] predicted = predictAll(model, probe);
        List<LabelledImage> out = new ArrayList<>(images.size());
        for (int i = 0; i < predicted.length; i++) {
            out.add(new LabelledImage(images.get(i).image(), predicted[i], images.get(i).source()));
        }
        return out;
    }

    /** The model's predicted class of each of {@code probe}'s images, in its order. */
    private static int[] predictAll(VisionModel model, ImageBatches probe) {
        List<RgbImage> images = new ArrayList<>();
        for (int i = 0; i < probe.size(); i++) images.add(probe.image(i));
        return predict(model, probe, images);
    }

    /** The model's predicted class of each image, in batches of at most 64. */
    static int[] predict(VisionModel model, ImageBatches probe, List<RgbImage> images) {
        int[] out = new int[images.size()];
        int batch = Math.max(1, Math.min(64, images.size()));
        for (int from = 0; from < images.size(); from += batch) {
            List<RgbImage> part = images.subList(from, Math.min(images.size(), from + batch));
            INDArray logits = model.graph().output(Map.of(VisionModel.PIXEL_VALUES, probe.pixels(part)), VisionModel.LOGITS).get(VisionModel.LOGITS);
            INDArray arg = logits.argMax(1);
            for (int i = 0; i < part.size(); i++) out[from + i] = arg.getInt(i);
        }
        return out;
    }
}
