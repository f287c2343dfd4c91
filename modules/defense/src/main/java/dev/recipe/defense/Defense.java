package dev.recipe.defense;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import dev.recipe.text.Tokenizer;
import dev.recipe.zoo.bert.BertModel;

/**
 * A defense that changes a suspect pre-trained model in place using unlabelled auxiliary texts only. The model is
 * built with its pre-training head (RECIPE trains through it; the others ignore it).
 */
public interface Defense {
    /** Registry name, e.g. {@code recipe}, {@code fp-gm}. */
    String name();

    /** Every setting, for the report and the provenance. */
    Map<String, Object> describe();

    /**
     * @param workDir       resumable training checkpoints (may be null)
     * @param onEpochSaved  for defenses that train: called after the epochs they were asked to keep
     * @return what the defense did (norms, curves, pruned neurons), for the report
     */
    Map<String, Object> apply(BertModel model, Tokenizer tok, List<String> auxTexts, Path workDir,
                              BiConsumer<Integer, BertModel> onEpochSaved);
}
