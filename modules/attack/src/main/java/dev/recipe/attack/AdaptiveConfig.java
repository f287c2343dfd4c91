package dev.recipe.attack;

import java.util.List;

/**
 * An adaptive attack (SPEC §5; RECIPE paper, "adaptive attacks"): any attack with the RECIPE regulariser in the
 * attacker's own loss, {@code L_attack + lambda · Σ_i ‖W_i‖₂}, so that the backdoor is implanted in weights that
 * already have small norms. The paper's settings: POR-BERT λ = 1, NeuBA-VGG λ = 0.01.
 *
 * @param attack      the attack wrapped (not itself adaptive)
 * @param lambda      weight of Σ‖W‖₂, finite and {@code > 0}
 * @param regularised variable names of the weights under the norm; empty = the model family's RECIPE set
 *                    ({@link dev.recipe.zoo.ModelSpec#regularised()}: BERT intermediate dense weights, RoBERTa also
 *                    the attention query weights)
 */
public record AdaptiveConfig(AttackConfig attack, double lambda, List<String> regularised) implements AttackConfig {

    public AdaptiveConfig {
        Check.required("adaptive", "attack", attack, "an attack config (neuba, por or badpre)");
        Check.that(!(attack instanceof AdaptiveConfig), "adaptive", "attack", "an attack that is not itself adaptive", "adaptive");
        Check.that(Double.isFinite(lambda) && lambda > 0, "adaptive", "lambda", "finite and > 0", lambda);
        Check.that(regularised != null, "adaptive", "regularised", "a list of variable names (empty = family default)", null);
        regularised = List.copyOf(regularised);
    }

    /** λ = 1 (the paper's POR-BERT setting) over the family's default weights. */
    public static AdaptiveConfig of(AttackConfig attack) {
        return new AdaptiveConfig(attack, 1.0, List.of());
    }

    @Override
    public long seed() {
        return attack.seed();
    }

    @Override
    public List<String> triggers() {
        return attack.triggers();
    }

    @Override
    public AttackTraining training() {
        return attack.training();
    }
}
