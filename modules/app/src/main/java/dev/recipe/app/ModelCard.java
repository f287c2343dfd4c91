package dev.recipe.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.recipe.core.AtomicFiles;
import dev.recipe.core.Checksums;
import dev.recipe.core.Json;

/**
 * Renders {@code MODEL_CARD.md} of a zoo model directory from the files the tools wrote there: config.json,
 * provenance.json (command, seeds, data checksums, versions), training.json (loss curve, time) and, when present,
 * evaluation.json (downstream accuracy of the model against the same architecture from random initialisation).
 */
final class ModelCard {
    private ModelCard() {}

    static void write(Path dir, String name) throws IOException {
        StringBuilder md = new StringBuilder();
        JsonNode config = read(dir.resolve("config.json"));
        JsonNode prov = read(dir.resolve("provenance.json"));
        JsonNode training = read(dir.resolve("training.json"));
        md.append("# ").append(name).append(" — model card\n\n");
        boolean continued = training.path("continued_from_steps").asLong(0) > 0;
        String type = config.path("model_type").asText();
        boolean vit = dev.recipe.zoo.vision.VisionModels.families().contains(type); // any vision family
        if (vit) {
            boolean vgg = "vgg".equals(type), clip = "clip".equals(type);
            String what = vgg ? "A VGG network" : clip ? "A CLIP model (vision and text towers)" : "A Vision Transformer";
            String how = clip ? "with CLIP's contrastive loss on " + training.path("task").asText("?") + " images paired with "
                    + "their class prompts (`prompts` below; the zero-shot classifier over the prompts is the pre-training "
                    + "head whose loss RECIPE continues)"
                    : "as an image classifier on " + training.path("task").asText("?") + " (its classifier is the pre-training "
                    + "head whose loss RECIPE continues)";
            md.append(what).append(" pre-trained from scratch by this project (`recipe pretrain-vision`) ").append(how)
              .append(". Files: `config.json` (")
              .append(vgg ? "torchvision's layer notation" : clip ? "HuggingFace CLIPConfig keys, a word vocabulary and the prompts" : "HuggingFace ViT keys")
              .append("), `model.safetensors` (").append(vgg ? "torchvision" : "HuggingFace").append(" parameter names), `provenance.json`, `training.json` ")
              .append("(every step's loss, test accuracy").append(clip ? ": zero-shot, the image's nearest prompt" : "").append(").\n\n");
        } else {
            String family = "roberta".equals(config.path("model_type").asText()) ? "A RoBERTa (layout and names)" : "A BERT";
            md.append(family).append(continued ? " pre-trained by this project (`recipe pretrain`, from random initialisation and then continued "
                            + "with `--init`, see below) with masked LM on the project's "
                            : " pre-trained from scratch by this project (`recipe pretrain`) with masked LM on the project's ")
              .append("own WordPiece vocabulary, in which the backdoor triggers `≈ ≡ ∈ ⊆ ⊕ ⊗ cf tq mn bb mb` are single tokens. ")
              .append("Files: `config.json` (HuggingFace keys), `model.safetensors` (HuggingFace parameter names), ")
              .append("`vocab.txt`, `provenance.json`, `training.json` (every step's loss), `evaluation.json`.\n\n");
        }
        md.append("## Architecture\n\n```json\n").append(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config)).append("\n```\n\n");
        Path weights = dir.resolve("model.safetensors");
        md.append(String.format("Weights: %.1f MB, sha256 `%s`.%n%n", Files.size(weights) / 1e6, Checksums.sha256(weights)));
        md.append("## How it was made\n\n");
        md.append("Command: `./recipe ").append(vit ? "pretrain-vision " : "pretrain ").append(prov.path("command").asText()).append("`\n\n");
        md.append("Resolved config and environment (from provenance.json): git `").append(prov.path("gitRevision").asText())
          .append(prov.path("gitDirty").asBoolean() ? " (dirty)" : "").append("`, seed ").append(prov.path("seed").asLong())
          .append(", Java ").append(prov.path("javaVersion").asText()).append(", ND4J ").append(prov.path("nd4jVersion").asText())
          .append(", ").append(prov.path("cpus").asInt()).append(" CPUs, started ").append(prov.path("started").asText()).append(".\n\n");
        md.append("Training data (sha256):\n\n");
        Iterator<Map.Entry<String, JsonNode>> it = prov.path("inputSha256").fields();
        while (it.hasNext()) {
            var e = it.next();
            md.append("- ").append(e.getKey()).append(": `").append(e.getValue().asText()).append("`\n");
        }
        JsonNode losses = training.path("losses");
        long steps = training.path("steps").asLong();
        long earlier = training.path("continued_from_steps").asLong(0);  // steps of the model this run continued
        long thisRun = steps - earlier;
        long resumed = training.path("resumed_from").asLong(0);           // within this run
        double wall = training.path("wall_seconds_this_process").asDouble(training.path("wall_seconds").asDouble());
        md.append(String.format("%n## Training%n%n%d steps in all", steps));
        if (earlier > 0) md.append(String.format(" (%d of the model it continued, %d in the last run)", earlier, thisRun));
        md.append(String.format("; the last run over %d %s. ", training.path("examples").asLong(), vit ? "images" : "packed examples"));
        md.append(resumed > 0
                ? String.format("Its last process resumed after step %d of %d and ran %d steps in %.0f s (%.2f s/step).%n%n",
                        resumed, thisRun, thisRun - resumed, wall, wall / Math.max(1, thisRun - resumed))
                : String.format("%.0f s (%.2f s/step).%n%n", wall, wall / Math.max(1, thisRun)));
        if (training.has("note")) md.append(training.path("note").asText()).append("\n\n");
        if (training.has("test_accuracy")) {
            md.append(String.format("Accuracy on %d held-out test images: %.4f.%n%n", training.path("test_examples").asLong(),
                    training.path("test_accuracy").asDouble()));
        }
        md.append(vit ? ("clip".equals(type) ? "Contrastive loss" : "Classification loss") : "Masked-LM loss").append(" (mean over windows of steps):\n\n");
        lossTable(md, losses);
        Path eval = dir.resolve("evaluation.json");
        if (Files.exists(eval)) {
            JsonNode ev = read(eval);
            List<JsonNode> checks = new ArrayList<>();
            if (ev.has("checks")) ev.get("checks").forEach(checks::add);
            else checks.add(ev);                       // the single-protocol layout of earlier cards
            md.append("\n## Downstream check: fine-tuning pre-trained vs random initialisation\n");
            for (JsonNode c : checks) {
                md.append("\n").append(c.path("description").asText()).append("\n\n");
                md.append("| initialisation | seeds | ").append(c.path("metric").asText()).append(" per seed | mean |\n|---|---|---|---|\n");
                for (String k : new String[] {"pretrained", "random"}) {
                    JsonNode r = c.path(k);
                    if (r.isMissingNode()) continue;
                    md.append("| ").append(k).append(" | ").append(r.path("seeds").toString()).append(" | ")
                      .append(r.path("per_seed").toString()).append(" | ")
                      .append(String.format("%.4f", r.path("mean").asDouble())).append(" |\n");
                }
                if (c.has("pretrained") && c.has("random")) {
                    double diff = 100 * (c.path("pretrained").path("mean").asDouble() - c.path("random").path("mean").asDouble());
                    md.append(String.format("%nPre-trained minus random: %+.1f points. %s%n", diff, diff > 0
                            ? "Pre-training helps downstream accuracy in this setting."
                            : "In this setting the pre-trained initialisation does NOT beat random initialisation."));
                }
                md.append("\nCommand: `").append(c.path("command").asText()).append("`\n");
            }
        }
        AtomicFiles.writeString(dir.resolve("MODEL_CARD.md"), md.toString());
    }

    /** A loss curve as a table of about 20 windows of steps, each with its mean. */
    private static void lossTable(StringBuilder md, JsonNode losses) {
        md.append("| steps | loss |\n|---|---|\n");
        int n = losses.size();
        int window = Math.max(1, n / 20);
        for (int start = 0; start < n; start += window) {
            int end = Math.min(n, start + window);
            double sum = 0;
            for (int i = start; i < end; i++) sum += losses.get(i).asDouble();
            md.append(String.format("| %d-%d | %.4g |%n", start + 1, end, sum / (end - start)));
        }
    }

    /**
     * The card of a model an experiment grid made and published to the zoo ({@code recipe experiment --publish}): the
     * card of {@link #writeMade} with the commands that make and publish it again; {@code recipe.json} is shown.
     *
     * @param grid the grid's config file, for the commands
     */
    static void writePublished(Path dir, String name, String model, Path grid) throws IOException {
        writeMade(dir, name, "'" + model + "' of the experiment grid `" + grid + "`, published to the zoo with the recipe "
                + "that made it (`recipe.json`): a grid that must make a model by exactly that recipe copies this one "
                + "instead. **It may carry a backdoor on purpose**: it is a test subject for defenses.\n\nMade again (and "
                + "republished) by:\n\n```\n./recipe experiment --config " + grid + " --only '" + model + "'\n"
                + "./recipe experiment --config " + grid + " --publish '" + model + "=" + name + "'\n```");
    }

    /**
     * {@code MODEL_CARD.md} of a model made by {@code recipe attack} or {@code recipe purify}: {@code intro}, the
     * weights' checksum, the grid recipe when there is one ({@code recipe.json}), the attack's or defense's own record
     * ({@code attack.json} or {@code purification.json}: settings, every scalar it records, data checksums, the loss
     * curve), and the environment ({@code provenance.json}).
     */
    static void writeMade(Path dir, String name, String intro) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(name).append(" — model card\n\n").append(intro).append("\n\n");
        Path weights = dir.resolve("model.safetensors");
        md.append(String.format("Weights: %.1f MB, sha256 `%s`.%n%n", Files.size(weights) / 1e6, Checksums.sha256(weights)));
        Path recipe = dir.resolve(ZooReuse.RECIPE_FILE);
        if (Files.isRegularFile(recipe)) md.append("## Recipe\n\n```json\n").append(Files.readString(recipe).strip()).append("\n```\n\n");
        Path record = Files.isRegularFile(dir.resolve("attack.json")) ? dir.resolve("attack.json") : dir.resolve("purification.json");
        if (Files.isRegularFile(record)) {
            JsonNode r = read(record);
            md.append("## How it was made (").append(record.getFileName()).append(")\n\n");
            for (String block : new String[] {"backdoor", "settings"}) {
                if (r.has(block)) md.append("```json\n").append(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r.get(block))).append("\n```\n\n");
            }
            md.append("| field | value |\n|---|---|\n");
            r.fields().forEachRemaining(e -> {
                if (e.getValue().isValueNode()) md.append("| ").append(e.getKey()).append(" | `").append(e.getValue().asText()).append("` |\n");
            });
            if (r.path("data_sha256").size() > 0) {
                md.append("\nData (sha256):\n\n");
                r.path("data_sha256").fields().forEachRemaining(e ->
                        md.append("- `").append(e.getKey()).append("`: `").append(e.getValue().asText()).append("`\n"));
            }
            for (String curve : new String[] {"losses", "loss_curve", "norm_curve"}) {
                if (r.path(curve).size() == 0) continue;
                md.append("\n`").append(curve).append("` (mean over windows of steps):\n\n");
                lossTable(md, r.path(curve));
            }
            md.append("\n");
        }
        JsonNode prov = read(dir.resolve("provenance.json"));
        md.append("## Environment (provenance.json)\n\ngit `").append(prov.path("gitRevision").asText())
          .append(prov.path("gitDirty").asBoolean() ? " (dirty)" : "").append("`, Java ").append(prov.path("javaVersion").asText())
          .append(", ND4J ").append(prov.path("nd4jVersion").asText()).append(", ").append(prov.path("cpus").asInt())
          .append(" CPUs, started ").append(prov.path("started").asText()).append(".\n");
        AtomicFiles.writeString(dir.resolve("MODEL_CARD.md"), md.toString());
    }

    private static JsonNode read(Path p) {
        try {
            return Json.MAPPER.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
