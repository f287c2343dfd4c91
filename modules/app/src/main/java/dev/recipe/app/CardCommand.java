package dev.recipe.app;

import java.nio.file.Path;

import dev.recipe.zoo.Zoo;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** Regenerates a model directory's MODEL_CARD.md from its JSON records. */
final class CardCommand implements Main.Command {
    @Override
    public String summary() {
        return "regenerate a model's MODEL_CARD.md from its provenance, training and evaluation records";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        o.addOption(Cli.opt("model", "DIR", "model directory or zoo:<name>, default zoo:bert-mini"));
        CommandLine cl = Cli.parse("card", "./recipe card --model zoo:bert-mini", o, args);
        if (cl == null) return 0;
        Path dir = Zoo.resolve(cl.getOptionValue("model", "zoo:" + Zoo.BERT_MINI));
        ModelCard.write(dir, dir.getFileName().toString());
        System.out.println("wrote " + dir.resolve("MODEL_CARD.md"));
        return 0;
    }
}
