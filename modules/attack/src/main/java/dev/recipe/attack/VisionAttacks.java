package dev.recipe.attack;

import dev.recipe.zoo.vision.VisionModels;
import dev.recipe.zoo.vision.VisionModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.recipe.attack.neuba.NeubaImageAttack;
import dev.recipe.core.AtomicFiles;
import dev.recipe.core.Checksums;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Provenance;
import dev.recipe.train.BatchSource;
import dev.recipe.train.TrainConfig;
import dev.recipe.train.TrainResult;
import dev.recipe.train.Trainer;
import dev.recipe.vision.CheckerboardTriggers;
import dev.recipe.vision.ImageDataset;
import dev.recipe.zoo.data.ImageBatches;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Runs an attack on a vision model directory (any {@code model_type} of {@code VisionModels}) and writes the backdoored
 * model, as {@link Attacks#run} does for the BERT family: NeuBA ({@link NeubaImageAttack}), plain or adaptive (+ λ·Σ‖W‖₂
 * over the family's RECIPE weights or the config's list, as {@link AdaptiveAttack}), with the attack config's seed,
 * target magnitude and training settings (the text-only keys, triggers and token placement, do not apply). The clean
 * term continues the model's own pre-training classifier, so the images must be of the task it was pre-trained on.
 */
public final class VisionAttacks {
    private VisionAttacks() {}

    /**
     * @param task     the image task of the clean term and the poisoned copies (the model's pre-training task)
     * @param perClass training images a class (0 = all)
     */
    public static AttackResult run(Path modelDir, String task, int perClass, Path dataRoot, AttackConfig cfg, Path outDir,
                                   Path workDir) {
        AdaptiveConfig adaptive = cfg instanceof AdaptiveConfig a ? a : null;
        if (!((adaptive != null ? adaptive.attack() : cfg) instanceof NeubaConfig neuba)) {
            throw new ConfigException("attack '" + Attacks.nameOf(cfg) + "' has no vision form; on a vision model only "
                    + "neuba (NeuBA's checkerboard triggers) and adaptive neuba run");
        }
        VisionModel model = VisionModels.load(modelDir, DataType.FLOAT, cfg.seed());
        if (!model.pretraining()) {
            throw new ConfigException(modelDir + ": NeuBA continues the model's pre-training classifier, but its head is a "
                    + "downstream one (pretraining_head false)");
        }
        ImageDataset images = ImageDataset.load(task, "train", dataRoot, perClass);
        if (images.classes().size() != model.numLabels()) {
            throw new ConfigException("--images " + task + " has " + images.classes().size() + " classes but " + modelDir
                    + "'s pre-training head has " + model.numLabels() + ": use the task the model was pre-trained on");
        }
        NeubaImageAttack attack = new NeubaImageAttack(neuba.targetMagnitude(), cfg.seed());
        AttackLoss loss = attack.addLoss(model);
        List<String> regularised = adaptive == null ? List.of()
                : adaptive.regularised().isEmpty() ? model.spec().regularised() : adaptive.regularised();
        if (adaptive != null) loss = AdaptiveAttack.addNormTerm(model.graph(), loss, regularised, adaptive.lambda());
        ImageBatches clean = new ImageBatches(images.images(), model.imageSize(), cfg.training().batchSize(), true,
                cfg.seed(), DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        BatchSource data = attack.batches(model, clean);
        TrainConfig tc = cfg.training().toTrainConfig(cfg.seed(), 100, 20, List.of());
        Map<String, Double> before = Attacks.terms(model.graph(), loss, data.batch(0, 0));
        TrainResult r = new Trainer().fit(model.graph(), loss.total(), data, tc, workDir.resolve("checkpoints"));
        Map<String, Double> after = Attacks.terms(model.graph(), loss, data.batch(0, 0));

        @SuppressWarnings("unchecked") Map<String, Object> cfgMap = Attacks.MAPPER.convertValue(cfg, Map.class);
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("attack", (adaptive != null ? "adaptive " : "") + "neuba (vision: " + NeubaImageAttack.class.getSimpleName() + ")");
        if (adaptive != null) {
            card.put("adaptive", "attacker's loss + " + adaptive.lambda() + " * sum of Frobenius norms of " + regularised);
        }
        card.put("config", cfgMap);
        card.put("seed", cfg.seed());
        card.put("source_model", modelDir.toAbsolutePath().toString());
        card.put("source_weights_sha256", Checksums.sha256(modelDir.resolve(VisionModel.WEIGHTS_FILE)));
        card.put("images", Map.of("task", task, "split", "train", "images", images.images().size(), "archive",
                images.archive().toString(), "archive_sha256", Checksums.sha256(images.archive())));
        List<String> triggers = new java.util.ArrayList<>();
        for (int t = 0; t < CheckerboardTriggers.count(); t++) triggers.add(CheckerboardTriggers.name(t));
        card.put("backdoor", Map.of("triggers", triggers, "placement", "4x4 patch over the lower-right corner of the "
                + model.imageSize() + "x" + model.imageSize() + " resized image, one trigger drawn "
                + "uniformly per image", "representation", model.spec().representation(), "targets",
                TargetVectors.describe(triggers, attack.targets(model)), "loss", model.pretrainingLossDescription()
                        + " + MSE(representation(triggered copies), target of their trigger)"));
        card.putAll(Attacks.trainingRecord(loss, tc, r, before, after));
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("model", modelDir.resolve(VisionModel.WEIGHTS_FILE));
        inputs.put(task + " archive", images.archive());
        Provenance prov = Provenance.capture("attack " + (adaptive != null ? "adaptive " : "") + "neuba (vision)", cfg.seed(), cfgMap, inputs);
        String cardJson;
        try {
            cardJson = Attacks.MAPPER.writeValueAsString(card) + "\n";
        } catch (JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
        AtomicFiles.writeDirectory(outDir, dir -> {
            model.save(dir, Map.of("source", "recipe attack " + Attacks.nameOf(cfg)));
            AtomicFiles.writeString(dir.resolve("attack.json"), cardJson);
            prov.write(dir.resolve("provenance.json"));
        });
        return new AttackResult(outDir, r, before, after);
    }
}
