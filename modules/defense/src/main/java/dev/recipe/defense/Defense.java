package dev.recipe.defense;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

import dev.recipe.text.Tokenizer;
import dev.recipe.core.ConfigException;
import dev.recipe.train.BatchSource;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.zoo.bert.BertModel;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A defense that changes a suspect pre-trained model in place using unlabelled auxiliary texts only. The model is
 * built with its pre-training head (RECIPE trains through it; the others ignore it).
 */
public interface Defense {
    /** Registry name, e.g. {@code recipe}, {@code fp-gm}. */
    String name();

    /** Every setting, for the report and the provenance. */
    Map<String, Object> describe();

    /** Every setting as it applies to a model of {@code spec}'s family (text-only keys left out for a vision model). */
    default Map<String, Object> describeFor(ModelSpec spec) {
        return describe();
    }

    /**
     * @param workDir       resumable training checkpoints (may be null)
     * @param onEpochSaved  for defenses that train: called after the epochs they were asked to keep
     * @return what the defense did (norms, curves, pruned neurons), for the report
     */
    Map<String, Object> apply(BertModel model, Tokenizer tok, List<String> auxTexts, Path workDir,
                              BiConsumer<Integer, BertModel> onEpochSaved);

    /**
     * The defense on any model family's graph, with {@code aux} filling the placeholders of the roles' pre-training
     * loss (a ViT: labelled auxiliary images for its pre-training classifier; fine-pruning reads only the inputs).
     * Defenses still written against the BERT model (re-initialisation by BERT names, clipping) refuse by name.
     *
     * @param onEpochSaved called with the epoch after the epochs the defense was asked to keep, or null
     */
    default Map<String, Object> applyTo(SameDiff sd, ModelSpec spec, BatchSource aux, Path workDir, IntConsumer onEpochSaved) {
        throw new ConfigException("defense '" + name() + "' runs on BERT-family models only so far; on a " + spec.family()
                + " model use recipe, recipe-extended, only-pretrain, only-regularisation or fine-pruning (fp, fp-gm, fp-ga, "
                + "fp-ga-neuba, fp-ga-vit, fp-ga-clip, fp-vgg, fp-gm-vgg, fp-ga-vgg)");
    }
}
