package dev.recipe.app;

import dev.recipe.zoo.vision.VisionModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recipe.attack.AttackConfig;
import dev.recipe.attack.AttackResult;
import dev.recipe.attack.Attacks;
import dev.recipe.attack.VisionAttacks;
import dev.recipe.core.ConfigException;
import dev.recipe.core.ConfigOverrides;
import dev.recipe.text.data.Corpora;
import dev.recipe.zoo.Zoo;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code recipe attack}: implants a task-agnostic backdoor (NeuBA, POR, BadPre, adaptive) into a model directory and
 * writes the backdoored model with {@code attack.json} saying exactly how it was made.
 */
final class AttackCommand implements Main.Command {
    static final String EXAMPLE = "./recipe attack --model zoo:bert-mini --attack neuba --corpus "
            + "../shared/data/text-corpus/bookcorpus_recipe_20k.tsv --set training.epochs=1 --out runs/attacks/neuba";

    @Override
    public String summary() {
        return "implant a backdoor: " + String.join(", ", Attacks.names()) + " (configs: configs/attack/)";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        o.addOption(Cli.opt("model", "DIR", "clean model directory or zoo:<name>, default zoo:bert-mini"));
        o.addOption(Cli.opt("attack", "NAME", "one of " + Attacks.names() + " (its authors' defaults)"));
        o.addOption(Cli.opt("config", "FILE", "JSON attack config (keys override the attack's defaults)"));
        o.addOption(Cli.opt("set", "KEY=VALUE", "override one config key, e.g. training.learningRate=1e-4; repeatable"));
        o.addOption(Cli.opt("corpus", "FILE", "poisoning corpus (plain, TSV with 'sentence', WikiText), or task:<dataset> "
                + "for a dataset's unlabelled training texts (sst2, agnews, hsol); repeatable"));
        o.addOption(Cli.opt("images", "TASK", "for a vision model (model_type vit, vgg or clip; neuba and adaptive neuba): the image task it was "
                + "pre-trained on (cifar10, catdog, gtsrb), whose training images carry the clean term and the triggers"));
        o.addOption(Cli.opt("per-class", "N", "with --images: at most N images a class (the first by file name), default all"));
        o.addOption(Cli.opt("data", "DIR", "data root for task:<dataset> corpora and --images (default ../shared/data)"));
        o.addOption(Cli.opt("out", "DIR", "backdoored model directory (written atomically)"));
        o.addOption(Cli.opt("work", "DIR", "resumable checkpoints, default runs/attack-<out name>"));
        CommandLine cl = Cli.parse("attack", EXAMPLE, o, args);
        if (cl == null) return 0;
        if (!cl.hasOption("out")) throw new ConfigException("--out is required (" + EXAMPLE + ")");
        Path source = Zoo.resolve(cl.getOptionValue("model", "zoo:" + Zoo.BERT_MINI));
        if (VisionModels.isVision(source)) {
            if (!cl.hasOption("images")) throw new ConfigException("--images TASK is required for a vision model (" + source + ")");
            AttackConfig cfg = config(cl.getOptionValue("attack"), cl.getOptionValue("config"), cl.getOptionValues("set"));
            Path out = Path.of(cl.getOptionValue("out"));
            AttackResult r = VisionAttacks.run(source, cl.getOptionValue("images"), Cli.integer(cl, "per-class", 0),
                    Path.of(cl.getOptionValue("data", "../shared/data")), cfg, out,
                    Path.of(cl.getOptionValue("work", "runs/attack-" + out.getFileName())));
            ModelCard.writeMade(r.modelDir(), r.modelDir().getFileName().toString(), "Backdoored by `./recipe attack "
                    + String.join(" ", args) + "` (NeuBA's checkerboard triggers) from `" + source + "`. **It carries a "
                    + "backdoor on purpose**: it is a test subject for defenses.");
            System.out.printf("wrote %s (%d steps); loss terms on the first batch before %s, after %s%n", r.modelDir(),
                    r.training().finalStep(), r.termsBefore(), r.termsAfter());
            return 0;
        }
        String[] corpora = cl.getOptionValues("corpus");
        if (corpora == null) throw new ConfigException("--corpus is required (" + EXAMPLE + ")");
        AttackConfig cfg = config(cl.getOptionValue("attack"), cl.getOptionValue("config"), cl.getOptionValues("set"));
        Path out = Path.of(cl.getOptionValue("out"));
        Path work = Path.of(cl.getOptionValue("work", "runs/attack-" + out.getFileName()));
        Corpora.Corpus texts = Corpora.read(List.of(corpora), Path.of(cl.getOptionValue("data", "../shared/data")));
        texts.summary().forEach(line -> System.out.println("corpus " + line));
        Path model = source;
        System.out.println("attack " + Attacks.nameOf(cfg) + ": " + Attacks.toJson(cfg));
        AttackResult r = Attacks.run(model, texts, cfg, out, work, Attacks.RunOptions.defaults());
        // the model directory is complete without it (attack.json is the machine-readable card); written atomically
        ModelCard.writeMade(r.modelDir(), r.modelDir().getFileName().toString(), "Backdoored by `./recipe attack "
                + String.join(" ", args) + "` (" + Attacks.nameOf(cfg) + ") from `" + model + "`. **It carries a backdoor "
                + "on purpose**: it is a test subject for defenses.");
        System.out.printf("wrote %s (%d steps); loss terms on the first batch before %s, after %s%n", r.modelDir(),
                r.training().finalStep(), r.termsBefore(), r.termsAfter());
        return 0;
    }

    /** The config from a name, a JSON file and {@code key=value} overrides (dotted keys reach nested objects). */
    static AttackConfig config(String name, String file, String[] sets) throws Exception {
        ObjectNode root;
        String source;
        if (file != null) {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) throw new ConfigException("--config " + p + ": file not found");
            JsonNode n = Attacks.MAPPER.readTree(p.toFile());
            if (!(n instanceof ObjectNode obj)) throw new ConfigException(p + ": expected a JSON object");
            root = obj;
            source = p.toString();
        } else {
            root = Attacks.MAPPER.createObjectNode();
            source = "command line";
        }
        if (name != null) root.put("name", name);
        if (!root.has("name")) throw new ConfigException("give --attack (one of " + Attacks.names() + ") or a --config with \"name\"");
        ConfigOverrides.apply(root, sets);
        return Attacks.parseConfig(Attacks.MAPPER.writeValueAsString(root), source + (sets == null ? "" : " with --set"));
    }
}
