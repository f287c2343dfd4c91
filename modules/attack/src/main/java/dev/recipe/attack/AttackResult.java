package dev.recipe.attack;

import java.nio.file.Path;
import java.util.Map;

import dev.recipe.train.TrainResult;

/**
 * What {@link Attacks#run} did.
 *
 * @param modelDir    the backdoored model directory written
 * @param training    the trainer's result (every step's loss)
 * @param termsBefore each loss term on the first batch, with the clean weights
 * @param termsAfter  the same terms on the same batch after training
 */
public record AttackResult(Path modelDir, TrainResult training, Map<String, Double> termsBefore,
                           Map<String, Double> termsAfter) {}
