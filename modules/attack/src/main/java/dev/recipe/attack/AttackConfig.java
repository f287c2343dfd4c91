package dev.recipe.attack;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The hyper-parameters of one attack: a validated record whose defaults are the authors' ({@code defaults()} on
 * each record), selected in JSON by {@code "name"} ({@code {"name": "por", "repeat": 3, ...}}). Read configs with
 * {@link Attacks#parseConfig}, which fills every key the JSON leaves out from the attack's defaults.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "name")
@JsonSubTypes({
        @JsonSubTypes.Type(value = NeubaConfig.class, name = "neuba"),
        @JsonSubTypes.Type(value = PorConfig.class, name = "por"),
        @JsonSubTypes.Type(value = BadPreConfig.class, name = "badpre"),
        @JsonSubTypes.Type(value = AdaptiveConfig.class, name = "adaptive")})
public sealed interface AttackConfig permits NeubaConfig, PorConfig, BadPreConfig, AdaptiveConfig {
    /** Seeds data order, masks, trigger choices and positions, and the trainer. */
    long seed();

    /** Trigger texts, in the order of their target vectors. */
    List<String> triggers();

    /** Optimisation settings. */
    AttackTraining training();
}
