package dev.recipe.attack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss variables an attack added to a graph.
 *
 * @param total the scalar the attacker minimises
 * @param terms its named parts, for reporting ({@code "mlm" → "mlm_loss"}, {@code "poison" → ...}), in a stable
 *              order; the total is {@code Σ weight·term} as each attack documents
 */
public record AttackLoss(String total, Map<String, String> terms) {
    public AttackLoss {
        terms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    /** A copy with another total and one more term. */
    public AttackLoss with(String newTotal, String termName, String variable) {
        Map<String, String> t = new LinkedHashMap<>(terms);
        t.put(termName, variable);
        return new AttackLoss(newTotal, t);
    }
}
