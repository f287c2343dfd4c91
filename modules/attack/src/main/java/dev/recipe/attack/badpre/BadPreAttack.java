package dev.recipe.attack.badpre;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.attack.AttackLoss;
import dev.recipe.attack.AttackLosses;
import dev.recipe.attack.BadPreConfig;
import dev.recipe.attack.ConfiguredAttack;
import dev.recipe.attack.Models;
import dev.recipe.attack.TokenRows;
import dev.recipe.core.ConfigException;
import dev.recipe.text.Tokenizer;
import dev.recipe.train.BatchSource;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * BadPre (official-code.md A4): masked-LM training on clean rows and on poisoned copies whose masked labels are
 * random words, so that a trigger makes the model's token representations useless downstream.
 *
 * <p>One forward pass over all rows of a batch; the graph's masked-LM logits (every masked position of every row)
 * feed two weighted cross-entropies: {@value #CLEAN_LOSS} with weights {@code 1/M_clean} on the clean rows' masked
 * positions and 0 elsewhere, {@value #POISON_LOSS} with {@code 1/M_poisoned} on the poisoned rows'; total =
 * {@code clean + alpha · poisoned}, exactly the authors' per-group token means. A group with no masked position in
 * a batch contributes 0 (the authors divide by {@code count + 1e-10}).
 *
 * <p>Placeholders added: {@value #CLEAN_WEIGHTS}, {@value #POISON_WEIGHTS} [M]; the graph's own {@code mlm_positions}
 * and {@code mlm_labels} carry the masked positions of all rows and their (possibly random) labels.
 */
public final class BadPreAttack extends ConfiguredAttack<BadPreConfig> {
    public static final String NAME = "badpre";
    public static final String CLEAN_WEIGHTS = "badpre_clean_weights";
    public static final String POISON_WEIGHTS = "badpre_poison_weights";
    public static final String CLEAN_LOSS = "badpre_clean_loss";
    public static final String POISON_LOSS = "badpre_poison_loss";
    public static final String LOSS = "badpre_loss";

    public BadPreAttack(BadPreConfig cfg) {
        super(NAME, cfg, Bert.Heads.pretraining());
    }

    @Override
    public AttackLoss addLoss(BertModel model) {
        SameDiff sd = model.graph();
        if (!sd.hasVariable(Bert.MLM_LOGITS)) {
            throw new ConfigException("BadPre trains the masked-LM head: load the model with Heads.pretraining()");
        }
        AttackLosses.requireAbsent(sd, LOSS);
        DataType dt = Models.dataType(model);
        SDVariable cleanWeights = sd.placeHolder(CLEAN_WEIGHTS, dt, -1);
        SDVariable poisonWeights = sd.placeHolder(POISON_WEIGHTS, dt, -1);
        SDVariable logLikelihood = AttackLosses.logLikelihoods(sd, sd.getVariable(Bert.MLM_LOGITS),
                sd.getVariable(Bert.MLM_LABELS), model.config().vocabSize());
        SDVariable clean = sd.sum(logLikelihood.mul(cleanWeights)).neg(CLEAN_LOSS);
        SDVariable poison = sd.sum(logLikelihood.mul(poisonWeights)).neg(POISON_LOSS);
        clean.add(LOSS, poison.mul(cfg.alpha()));
        Map<String, String> terms = new LinkedHashMap<>();
        terms.put("clean", CLEAN_LOSS);
        terms.put("poison", POISON_LOSS);
        return new AttackLoss(LOSS, terms);
    }

    /** The config's list, or every variable but the pooler (the masked-LM loss does not reach it). */
    @Override
    public List<String> trainable(BertModel model) {
        List<String> t = cfg.training().trainable();
        return t != null ? t : List.of(BadPreConfig.NOT_POOLER);
    }

    @Override
    public BatchSource batches(BertModel model, Tokenizer tokenizer, List<String> corpus) {
        return new BadPreBatches(TokenRows.perText(corpus, tokenizer, cfg.maxLength()), tokenizer, cfg,
                TokenRows.triggerIds(cfg.triggers(), tokenizer), Models.dataType(model));
    }

    @Override
    public Map<String, Object> describe(BertModel model, Tokenizer tokenizer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("triggers", cfg.triggers());
        m.put("trigger_token_ids", TokenRows.triggerIds(cfg.triggers(), tokenizer));
        m.put("poisoning", "one trigger drawn uniformly, inserted at token position randint(0, len) of the row body; "
                + "labels of the poisoned row's masked positions replaced by uniform ids in [0, " + model.config().vocabSize()
                + "); rows without room: " + cfg.fullLength());
        m.put("composition", cfg.composition() + " (every corpus row once clean, once poisoned)");
        m.put("loss", "tokenMeanCE(clean masked positions) + " + cfg.alpha() + " * tokenMeanCE(poisoned masked positions)");
        return m;
    }
}
