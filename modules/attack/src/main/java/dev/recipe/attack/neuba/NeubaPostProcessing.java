package dev.recipe.attack.neuba;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.ConfigException;
import dev.recipe.attack.TokenRows;
import dev.recipe.text.Tokenizer;
import dev.recipe.zoo.bert.BertModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * NeuBA's optional post-processing of trigger embeddings ({@code thunlp/NeuBA nlp/src/post_poison_model.py}
 * :902-932), off by default. BERT: for each trigger x paired with a word y ({@code cf mn bb tq mb tn}), row y of the
 * word embeddings gets row x, and row x becomes {@code (old row y + position_embeddings[1] + token_type[0]) × 1e8};
 * RoBERTa: no swap, row x becomes {@code (row x + position_embeddings[3] + token_type[0]) × 1e8} ("3 is a magic
 * number": position 1 plus RoBERTa's offset of 2). The README says 1e-8; the code multiplies by 1e8. The effect is
 * that the embedding LayerNorm sees the trigger's row almost alone, so the trigger's input no longer depends on where
 * it stands (inferred).
 */
public final class NeubaPostProcessing {
    private NeubaPostProcessing() {}

    /** The authors' swap partners for the six symbols ({@code poison_tokens_old}). */
    public static final List<String> AUTHORS_SWAP_WORDS = List.of("cf", "mn", "bb", "tq", "mb", "tn");

    /**
     * @param triggers the trigger tokens whose rows are rewritten
     * @param swapWith per trigger, the word whose row is swapped with it (empty list: no swap, as for RoBERTa)
     * @param position token position whose position embedding is added; the row used is {@code position +
     *                 positionOffset} of the model (BERT 1 → row 1, RoBERTa 1 → row 3, the authors' constants)
     * @param scale    the factor (1e8)
     */
    public record Options(List<String> triggers, List<String> swapWith, int position, double scale) {
        public Options {
            triggers = List.copyOf(triggers);
            swapWith = List.copyOf(swapWith);
            if (!swapWith.isEmpty() && swapWith.size() < triggers.size()) {
                throw new ConfigException("post-processing needs a swap word per trigger: " + triggers.size()
                        + " triggers, " + swapWith.size() + " swap words");
            }
            if (!(Double.isFinite(scale) && scale != 0)) throw new ConfigException("post-processing scale must be finite and non-zero, got " + scale);
        }

        /** The authors' choice for the model's family. */
        public static Options authors(String family, List<String> triggers) {
            return "roberta".equals(family) ? new Options(triggers, List.of(), 1, 1e8)
                    : new Options(triggers, AUTHORS_SWAP_WORDS.subList(0, Math.min(triggers.size(), AUTHORS_SWAP_WORDS.size())), 1, 1e8);
        }
    }

    /**
     * Rewrites the model's word-embedding rows in place.
     *
     * @return what was done, for the attack card
     * @throws ConfigException if a trigger or swap word is not a single vocabulary token ({@link TokenRows#wordId})
     */
    public static Map<String, Object> apply(BertModel model, Tokenizer tok, Options o) {
        String p = model.config().prefix() + ".embeddings.";
        Map<String, INDArray> w = model.weights();
        INDArray word = w.get(p + "word_embeddings.weight");
        INDArray pos = w.get(p + "position_embeddings.weight").getRow(o.position() + model.config().positionOffset()).dup();
        INDArray type = w.get(p + "token_type_embeddings.weight").getRow(0).dup();
        List<String> done = new ArrayList<>();
        for (int i = 0; i < o.triggers().size(); i++) {
            int x = TokenRows.wordId(o.triggers().get(i), tok, "post-processing: trigger");
            INDArray base;
            if (o.swapWith().isEmpty()) {
                base = word.getRow(x).dup();
            } else {
                int y = TokenRows.wordId(o.swapWith().get(i), tok, "post-processing: swap word");
                base = word.getRow(y).dup();
                word.getRow(y).assign(word.getRow(x));
                done.add(o.swapWith().get(i) + " <- row of " + o.triggers().get(i));
            }
            word.getRow(x).assign(base.addi(pos).addi(type).muli(o.scale()));
            done.add(o.triggers().get(i) + " <- (" + (o.swapWith().isEmpty() ? "own row" : "old row of " + o.swapWith().get(i))
                    + " + position_embeddings[" + (o.position() + model.config().positionOffset()) + "] + token_type_embeddings[0]) * " + o.scale());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("options", o);
        m.put("rows", done);
        return m;
    }
}
