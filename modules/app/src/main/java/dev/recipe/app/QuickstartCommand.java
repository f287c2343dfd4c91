package dev.recipe.app;

import java.nio.file.Path;
import java.util.List;

import dev.recipe.text.BertTokenizer;
import dev.recipe.text.LabelledText;
import dev.recipe.zoo.Zoo;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import dev.recipe.zoo.bert.PretrainedBert;
import dev.recipe.zoo.tasks.Finetuning;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * The README's main job on its embedded default: fine-tune the zoo's pre-trained mini BERT on the generated
 * sentiment task and print the accuracy. (Later issues extend it to attack → purify → evaluate.)
 */
final class QuickstartCommand implements Main.Command {
    @Override
    public String summary() {
        return "fine-tune the zoo's mini BERT on a generated task and print ACC (the README's main job)";
    }

    @Override
    public int run(String[] args) {
        Options o = new Options();
        o.addOption(Cli.opt("train-size", "N", "generated training examples, default 1000"));
        o.addOption(Cli.opt("epochs", "N", "default 3"));
        o.addOption(Cli.opt("lr", "X", "default 3e-4"));
        CommandLine cl = Cli.parse("quickstart", "./recipe quickstart", o, args);
        if (cl == null) return 0;
        long t0 = System.nanoTime();
        Path dir = Zoo.model(Zoo.BERT_MINI);
        List<LabelledText> train = GeneratedSentiment.generate(Cli.integer(cl, "train-size", 1000), 11);
        List<LabelledText> test = GeneratedSentiment.generate(500, 12);
        PretrainedBert pre = PretrainedBert.load(dir, Bert.Heads.classification(2), 1);
        BertModel model = pre.model();
        BertTokenizer tok = pre.tokenizer();
        System.out.printf("model %s: %,d parameters; task: generated sentiment, %d train / %d test%n", dir,
                model.parameterCount(), train.size(), test.size());
        double before = Finetuning.accuracy(model, tok, test, 64);
        Finetuning.Config cfg = new Finetuning.Config(Cli.integer(cl, "epochs", 3), Cli.real(cl, "lr", 3e-4), 32, 64, 0.0, 1);
        Finetuning.Result r = Finetuning.run(model, tok, train, test, cfg, null);
        System.out.printf("ACC before fine-tuning %.4f, after %.4f (%d steps); total %.0f s%n", before, r.accuracy(),
                r.training().finalStep(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
