package dev.recipe.attack;

import java.util.Objects;

import dev.recipe.zoo.bert.Bert;

/**
 * What every {@link Attack} holds the same way: its registry name, its typed config and the heads its graph needs.
 * Subclasses add the loss, the batches and the description.
 *
 * @param <C> the attack's config record
 */
public abstract class ConfiguredAttack<C extends AttackConfig> implements Attack {
    private final String name;
    private final Bert.Heads heads;
    protected final C cfg;

    protected ConfiguredAttack(String name, C cfg, Bert.Heads heads) {
        this.name = Objects.requireNonNull(name, "name");
        this.cfg = Objects.requireNonNull(cfg, "cfg");
        this.heads = Objects.requireNonNull(heads, "heads");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final C config() {
        return cfg;
    }

    @Override
    public final Bert.Heads heads() {
        return heads;
    }
}
