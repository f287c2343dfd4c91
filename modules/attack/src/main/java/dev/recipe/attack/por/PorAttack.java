package dev.recipe.attack.por;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.attack.AttackLoss;
import dev.recipe.attack.AttackLosses;
import dev.recipe.attack.ConfiguredAttack;
import dev.recipe.attack.Models;
import dev.recipe.attack.PorConfig;
import dev.recipe.attack.TargetVectors;
import dev.recipe.attack.TokenRows;
import dev.recipe.text.Tokenizer;
import dev.recipe.train.BatchSource;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * POR (official-code.md A3): the model's outputs on clean inputs are held to those of a frozen reference copy of the
 * clean model, and the representation of triggered inputs (BERT: the pooler output) is pulled to the trigger's
 * predefined output representation. The reference runs outside the trained graph ({@link PorBatches} computes its
 * outputs for each batch and feeds them as placeholders), so the graph holds one model.
 *
 * <p>Loss, with {@code loss1(a, b) = Σ(a − b)² / H}: {@code tokenWeight · loss1(sequence_output[token rows],
 * reference[token rows]) + poisonWeight · loss1(pooler[poisoned rows], POR vectors) + cleanWeight ·
 * loss1(pooler[clean rows], reference pooler)}. Rows are chosen by 0/1 weight placeholders, so a batch with no
 * poisoned (or no clean) sample simply contributes 0 to that term, as the authors' {@code loss2 = 0} case.
 *
 * <p>Placeholders added: {@value #TOKEN_WEIGHTS} [B·S] (1 on the token positions of the token term),
 * {@value #REFERENCE_TOKENS} [B·S, H], {@value #ROW_TARGETS} [B, H] (POR vector of a poisoned row, reference pooler
 * of a clean row), {@value #POISONED_ROWS} and {@value #CLEAN_ROWS} [B] (0/1).
 */
public final class PorAttack extends ConfiguredAttack<PorConfig> {
    public static final String NAME = "por";
    public static final String TOKEN_WEIGHTS = "por_token_weights";
    public static final String REFERENCE_TOKENS = "por_reference_tokens";
    public static final String ROW_TARGETS = "por_row_targets";
    public static final String POISONED_ROWS = "por_poisoned_rows";
    public static final String CLEAN_ROWS = "por_clean_rows";
    public static final String TOKEN_LOSS = "por_token_loss";
    public static final String POISON_LOSS = "por_poison_loss";
    public static final String CLEAN_LOSS = "por_clean_loss";
    public static final String LOSS = "por_loss";

    public PorAttack(PorConfig cfg) {
        super(NAME, cfg, Bert.Heads.encoderOnly());   // the authors train BertModel, no head
    }

    @Override
    public AttackLoss addLoss(BertModel model) {
        SameDiff sd = model.graph();
        AttackLosses.requireAbsent(sd, LOSS);
        int h = model.config().hiddenSize();
        DataType dt = Models.dataType(model);
        SDVariable tokenWeights = sd.placeHolder(TOKEN_WEIGHTS, dt, -1);
        SDVariable referenceTokens = sd.placeHolder(REFERENCE_TOKENS, dt, -1, h);
        SDVariable rowTargets = sd.placeHolder(ROW_TARGETS, dt, -1, h);
        SDVariable poisonedRows = sd.placeHolder(POISONED_ROWS, dt, -1);
        SDVariable cleanRows = sd.placeHolder(CLEAN_ROWS, dt, -1);
        SDVariable token = AttackLosses.rowWeightedSquaredError(sd, TOKEN_LOSS, Models.sequenceOutput(model),
                referenceTokens, tokenWeights, h);
        SDVariable pooled = sd.getVariable(model.spec().representation());
        SDVariable d = pooled.sub(rowTargets);
        SDVariable perRow = sd.sum(d.mul(d), 1);
        SDVariable poison = sd.sum(perRow.mul(poisonedRows)).mul(POISON_LOSS, 1.0 / h);
        SDVariable clean = sd.sum(perRow.mul(cleanRows)).mul(CLEAN_LOSS, 1.0 / h);
        token.mul(cfg.tokenWeight()).add(poison.mul(cfg.poisonWeight())).add(LOSS, clean.mul(cfg.cleanWeight()));
        Map<String, String> terms = new LinkedHashMap<>();
        terms.put("token", TOKEN_LOSS);
        terms.put("poison", POISON_LOSS);
        terms.put("clean", CLEAN_LOSS);
        return new AttackLoss(LOSS, terms);
    }

    /** Builds the poisoned data set and the frozen reference: a copy of {@code model}'s weights as they are now. */
    @Override
    public BatchSource batches(BertModel model, Tokenizer tokenizer, List<String> corpus) {
        PorData data = PorData.build(corpus, cfg, tokenizer);
        return new PorBatches(data, Models.frozenEncoderCopy(model, cfg.seed()), cfg, targets(model), tokenizer);
    }

    public double[][] targets(BertModel model) {
        return TargetVectors.por(cfg.vectors(), cfg.triggers().size(), model.config().hiddenSize(), cfg.targetMagnitude());
    }

    @Override
    public Map<String, Object> describe(BertModel model, Tokenizer tokenizer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("triggers", cfg.triggers());
        m.put("trigger_token_ids", TokenRows.triggerIds(cfg.triggers(), tokenizer));
        m.put("representation", model.spec().representation() + " (" + model.spec().representationKind() + ")");
        m.put("target_vectors", cfg.vectors() + " x " + cfg.targetMagnitude() + " (see TargetVectors.PorVectors)");
        m.put("targets", TargetVectors.describe(cfg.triggers(), targets(model)));
        m.put("poisoning", "trigger k inserted " + cfg.repeat() + " times at uniform word positions into each of "
                + cfg.poisonedPerTrigger() + " chunks; " + cfg.cleanSamples() + " clean chunks; all shuffled together");
        m.put("token_term_positions", "every position except [CLS] (index 0) of every sample"
                + (cfg.tokenTermIncludesPadding() ? ", padding included" : ", padding excluded")
                + (cfg.padToMaxLength() ? "; rows padded to maxLength " + cfg.maxLength() : "; rows padded to the batch's longest"));
        m.put("loss", cfg.tokenWeight() + " * token + " + cfg.poisonWeight() + " * poison + " + cfg.cleanWeight()
                + " * clean, each sum((a-b)^2)/H over its rows (authors' loss1)");
        m.put("reference", "frozen copy of the clean encoder, outputs fed as placeholders");
        return m;
    }
}
