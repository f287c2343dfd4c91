package dev.recipe.text;

/**
 * When masked-LM masks are drawn. {@link #STATIC}: once per example for the whole run, as the RECIPE code does (it
 * masks the auxiliary corpus once before continual pre-training; the original BERT pre-processing also fixed masks,
 * duplicated 10x). {@link #DYNAMIC}: afresh every epoch, as HF's {@code DataCollatorForLanguageModeling} and RoBERTa.
 */
public enum MaskingMode {
    STATIC,
    DYNAMIC
}
