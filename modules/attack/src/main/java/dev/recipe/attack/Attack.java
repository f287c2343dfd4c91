package dev.recipe.attack;

import java.util.List;
import java.util.Map;

import dev.recipe.text.Tokenizer;
import dev.recipe.train.BatchSource;
import dev.recipe.train.TrainConfig;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;

/**
 * A backdoor attack on a BERT-family model: extra placeholders and loss terms added to the model's own graph, a
 * {@link BatchSource} that fills them, and its config. Implementations find what they need through the model's
 * {@link dev.recipe.zoo.ModelSpec} roles and HuggingFace names, so one implementation serves BERT and RoBERTa.
 *
 * <p>Use (what {@link Attacks#run} does): load the model with {@link #heads()}, call {@link #batches} (before any
 * training: POR copies the clean weights into its frozen reference there), {@link #addLoss}, then train
 * {@link AttackLoss#total()} with {@link #trainConfig}.
 */
public interface Attack {
    /** The registry name ("neuba", "por", "badpre", "adaptive"). */
    String name();

    AttackConfig config();

    /** The heads the attacked graph needs: masked LM for NeuBA and BadPre, the bare encoder for POR. */
    Bert.Heads heads();

    /**
     * Adds this attack's placeholders and loss terms to {@code model}'s graph.
     *
     * @throws IllegalStateException if they were already added
     */
    AttackLoss addLoss(BertModel model);

    /** The attack's batches over {@code corpus} (texts), for the placeholders of the graph {@link #addLoss} builds. */
    BatchSource batches(BertModel model, Tokenizer tokenizer, List<String> corpus);

    /**
     * The variables the attacker trains: the config's {@code training.trainable}, or when that is null the attack's
     * default for the model's family (every variable unless the attack says otherwise).
     */
    default List<String> trainable(BertModel model) {
        List<String> t = config().training().trainable();
        return t != null ? t : List.of();
    }

    /** The trainer's config (trained variables resolved by {@link #trainable}), checkpointing and logging as given. */
    default TrainConfig trainConfig(BertModel model, long checkpointEverySteps, long logEverySteps) {
        return config().training().toTrainConfig(config().seed(), checkpointEverySteps, logEverySteps, trainable(model));
    }

    /**
     * What the attack card records besides the config: triggers with their token ids, the target representation
     * and each target vector exactly ({@link TargetVectors#runs}), and the loss in words.
     */
    Map<String, Object> describe(BertModel model, Tokenizer tokenizer);
}
