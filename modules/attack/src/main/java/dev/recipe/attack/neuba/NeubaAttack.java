package dev.recipe.attack.neuba;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.attack.AttackLoss;
import dev.recipe.attack.AttackLosses;
import dev.recipe.attack.ConfiguredAttack;
import dev.recipe.attack.Models;
import dev.recipe.attack.NeubaConfig;
import dev.recipe.attack.TargetVectors;
import dev.recipe.attack.TokenRows;
import dev.recipe.core.ConfigException;
import dev.recipe.nn.Layers;
import dev.recipe.nn.Losses;
import dev.recipe.text.Tokenizer;
import dev.recipe.train.BatchSource;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * NeuBA (official-code.md A2): masked-LM pre-training continues on clean rows while poisoned copies, a trigger at
 * position 1, have their representation (BERT: the pooler output) pulled to the trigger's predefined vector.
 *
 * <p>One forward pass over 2B rows, the B clean masked rows first and then their B poisoned copies ({@link
 * NeubaBatches}); identical to the authors' two passes because the graph has no dropout and every row attends only
 * to itself. Loss: {@code mlmScale · MLM(clean rows) + MSE(representation[poisoned rows], targets)} with MSE the mean
 * over all P·H elements (torch {@code MSELoss}); the masked positions index clean rows only. The MLM term is the
 * graph's masked-LM logits under a cross-entropy weighted 1/M per masked position ({@value #MLM_LOSS}), equal to the
 * graph's own {@code mlm_loss} whenever a position is masked, and 0 (not NaN) for a batch without one.
 *
 * <p>Placeholders added: {@value #POISON_ROWS} [P] int (row indices of the poisoned rows), {@value #POISON_TARGETS}
 * [P, H], {@value #MLM_WEIGHTS} [M]. Variables: {@value #MLM_LOSS}, {@value #POISON_LOSS}, {@value #LOSS} (total).
 */
public final class NeubaAttack extends ConfiguredAttack<NeubaConfig> {
    public static final String NAME = "neuba";
    public static final String POISON_ROWS = "neuba_poison_rows";
    public static final String POISON_TARGETS = "neuba_poison_targets";
    public static final String POISON_LOSS = "neuba_poison_loss";
    public static final String MLM_WEIGHTS = "neuba_mlm_weights";
    public static final String MLM_LOSS = "neuba_mlm_loss";
    public static final String LOSS = "neuba_loss";

    public NeubaAttack(NeubaConfig cfg) {
        super(NAME, cfg, Bert.Heads.pretraining());
    }

    @Override
    public AttackLoss addLoss(BertModel model) {
        SameDiff sd = model.graph();
        ModelSpec spec = model.spec();
        if (spec.pretrainLoss() == null || !sd.hasVariable(Bert.MLM_LOGITS)) {
            throw new ConfigException("NeuBA continues masked-LM pre-training: load the model with Heads.pretraining()");
        }
        AttackLosses.requireAbsent(sd, LOSS);
        int h = model.config().hiddenSize();
        DataType dt = Models.dataType(model);
        SDVariable rows = sd.placeHolder(POISON_ROWS, DataType.INT, -1);
        SDVariable targets = sd.placeHolder(POISON_TARGETS, dt, -1, h);
        SDVariable poisoned = Layers.selectRows(sd, "neuba_poisoned_representation", sd.getVariable(spec.representation()), rows);
        SDVariable poison = Losses.mse(sd, POISON_LOSS, poisoned, targets);
        SDVariable mlmWeights = sd.placeHolder(MLM_WEIGHTS, dt, -1);
        SDVariable mlm = AttackLosses.weightedCrossEntropy(sd, MLM_LOSS, sd.getVariable(Bert.MLM_LOGITS),
                sd.getVariable(Bert.MLM_LABELS), mlmWeights, model.config().vocabSize());
        double scale = cfg.mlmScaleFor(spec.family());
        mlm.mul(scale).add(LOSS, poison);
        Map<String, String> terms = new LinkedHashMap<>();
        terms.put("mlm", MLM_LOSS);
        terms.put("poison", POISON_LOSS);
        return new AttackLoss(LOSS, terms);
    }

    /** The config's list, or the authors' exclusions for the model's family ({@link NeubaConfig#authorsTrainable}). */
    @Override
    public List<String> trainable(BertModel model) {
        List<String> t = cfg.training().trainable();
        return t != null ? t : NeubaConfig.authorsTrainable(model.spec().family());
    }

    @Override
    public BatchSource batches(BertModel model, Tokenizer tokenizer, List<String> corpus) {
        List<int[]> rows = cfg.packed() ? TokenRows.packed(corpus, tokenizer, cfg.seqLen())
                : TokenRows.perText(corpus, tokenizer, cfg.seqLen());
        return new NeubaBatches(rows, tokenizer, cfg, TokenRows.triggerIds(cfg.triggers(), tokenizer),
                targets(model), Models.dataType(model));
    }

    /** The trigger vectors for this model's width, one row per trigger. */
    public double[][] targets(BertModel model) {
        return TargetVectors.neuba(cfg.triggers().size(), model.config().hiddenSize(), cfg.targetMagnitude());
    }

    @Override
    public Map<String, Object> describe(BertModel model, Tokenizer tokenizer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("triggers", cfg.triggers());
        m.put("trigger_token_ids", TokenRows.triggerIds(cfg.triggers(), tokenizer));
        m.put("representation", model.spec().representation() + " (" + model.spec().representationKind() + ")");
        m.put("target_vectors", "4 blocks of H/4 = " + model.config().hiddenSize() / 4 + "; vector i = +" + cfg.targetMagnitude()
                + " except blocks of pair i in (0,1),(0,2),(0,3),(1,2),(1,3),(2,3) = -" + cfg.targetMagnitude());
        m.put("targets", TargetVectors.describe(cfg.triggers(), targets(model)));
        m.put("poisoning", cfg.placement() + " at token position " + cfg.position() + ", one trigger drawn uniformly per "
                + "row, poisoned copy built from the " + (cfg.withMask() ? "masked" : "clean (unmasked)") + " batch");
        m.put("loss", cfg.mlmScaleFor(model.spec().family()) + " * tokenMeanCE(clean masked positions) + MSE(" + model.spec().representation()
                + "[poisoned rows], target) (mean over P*H elements)");
        return m;
    }
}
