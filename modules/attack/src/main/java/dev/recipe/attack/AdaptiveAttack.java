package dev.recipe.attack;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.recipe.core.ConfigException;
import dev.recipe.text.Tokenizer;
import dev.recipe.train.BatchSource;
import dev.recipe.train.TrainConfig;
import dev.recipe.zoo.bert.BertModel;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Any attack plus the RECIPE regulariser in the attacker's loss: {@code total = inner total + λ · Σ‖W‖₂}
 * ({@link AdaptiveConfig}). Data, heads and training settings are the inner attack's.
 */
public final class AdaptiveAttack extends ConfiguredAttack<AdaptiveConfig> {
    public static final String NAME = "adaptive";
    public static final String NORMS = "adaptive_weight_norms";
    public static final String LOSS = "adaptive_loss";

    private final Attack inner;

    public AdaptiveAttack(AdaptiveConfig cfg) {
        this(cfg, Attacks.create(cfg.attack()));
    }

    /** Data, heads and training settings are the inner attack's. */
    private AdaptiveAttack(AdaptiveConfig cfg, Attack inner) {
        super(NAME, cfg, inner.heads());
        this.inner = inner;
    }

    public Attack inner() {
        return inner;
    }

    /** The weights under the norm: the config's list, or the family's RECIPE set. */
    public List<String> regularised(BertModel model) {
        return cfg.regularised().isEmpty() ? model.spec().regularised() : cfg.regularised();
    }

    @Override
    public AttackLoss addLoss(BertModel model) {
        return addNormTerm(model.graph(), inner.addLoss(model), regularised(model), cfg.lambda());
    }

    /** {@code base}'s total + λ·Σ‖W‖₂ over {@code regularised}, as a new total in {@code sd} (any model family). */
    public static AttackLoss addNormTerm(SameDiff sd, AttackLoss base, List<String> regularised, double lambda) {
        AttackLosses.requireAbsent(sd, LOSS);
        SDVariable norms = AttackLosses.sumOfNorms(sd, NORMS, regularised);
        sd.getVariable(base.total()).add(LOSS, norms.mul(lambda));
        return base.with(LOSS, "weight_norms", NORMS);
    }

    @Override
    public BatchSource batches(BertModel model, Tokenizer tokenizer, List<String> corpus) {
        return inner.batches(model, tokenizer, corpus);
    }

    @Override
    public List<String> trainable(BertModel model) {
        return inner.trainable(model);
    }

    /**
     * The inner attack's config; fails if a regularised weight is not trained (its norm would be a constant).
     */
    @Override
    public TrainConfig trainConfig(BertModel model, long checkpointEverySteps, long logEverySteps) {
        TrainConfig tc = inner.trainConfig(model, checkpointEverySteps, logEverySteps);
        List<Pattern> trained = tc.trainable().stream().map(Pattern::compile).toList();
        for (String w : regularised(model)) {
            if (!trained.isEmpty() && trained.stream().noneMatch(p -> p.matcher(w).find())) {
                throw new ConfigException("adaptive: regularised weight '" + w + "' is not matched by training.trainable "
                        + tc.trainable() + ", so its norm cannot change");
            }
        }
        return tc;
    }

    @Override
    public Map<String, Object> describe(BertModel model, Tokenizer tokenizer) {
        Map<String, Object> m = new LinkedHashMap<>(inner.describe(model, tokenizer));
        m.put("adaptive", "attacker's loss + " + cfg.lambda() + " * sum of Frobenius norms of " + regularised(model));
        return m;
    }
}
