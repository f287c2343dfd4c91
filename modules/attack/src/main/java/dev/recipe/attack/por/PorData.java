package dev.recipe.attack.por;

import java.util.ArrayList;
import java.util.List;

import dev.recipe.attack.PorConfig;
import dev.recipe.attack.Seeds;
import dev.recipe.core.ConfigException;
import dev.recipe.eval.Trigger;
import dev.recipe.eval.TriggerInsertion;
import dev.recipe.eval.Words;
import dev.recipe.text.Tokenizer;

/**
 * POR's training samples ({@code poisoning.py sentence_poison}, :158-171): the corpus cut into word chunks; trigger k
 * (0-based) takes chunks {@code [k·P, (k+1)·P)}, each with the trigger inserted {@code repeat} times at uniform word
 * positions (each insertion on the text so far, as {@code keyword_poison_single_sentence}); the next C chunks stay
 * clean. Labels are 0 for clean samples and k+1 for trigger k, as the authors'.
 *
 * @param texts  the samples' texts (after insertion)
 * @param rows   their token ids, {@code [CLS] … [SEP]} truncated to {@code maxLength}
 * @param labels 0 clean, k+1 poisoned with trigger k
 */
public record PorData(List<String> texts, List<int[]> rows, int[] labels) {

    public static PorData build(List<String> corpus, PorConfig cfg, Tokenizer tok) {
        List<String> chunks = cfg.chunkWords() > 0 ? wordChunks(corpus, cfg.chunkWords())
                : corpus.stream().filter(t -> !t.isBlank()).toList();
        int n = cfg.triggers().size();
        long need = (long) n * cfg.poisonedPerTrigger() + cfg.cleanSamples();
        if (chunks.size() < need) {
            throw new ConfigException("POR needs " + n + " triggers x por.poisonedPerTrigger (" + cfg.poisonedPerTrigger()
                    + ") + por.cleanSamples (" + cfg.cleanSamples() + ") = " + need + " chunks, but the corpus gives only "
                    + chunks.size() + " (" + corpus.size() + " texts, chunkWords " + cfg.chunkWords() + "); lower the counts");
        }
        TriggerInsertion insertion = new TriggerInsertion(TriggerInsertion.Position.RANDOM,
                Seeds.mix(cfg.seed(), Seeds.INSERTION), cfg.repeat());
        List<String> texts = new ArrayList<>();
        int[] labels = new int[(int) need];
        int idx = 0;
        for (int k = 0; k < n; k++) {
            Trigger trigger = Trigger.of(cfg.triggers().get(k));
            for (int i = 0; i < cfg.poisonedPerTrigger(); i++, idx++) {
                texts.add(insertion.insert(chunks.get(idx), trigger, idx));
                labels[idx] = k + 1;
            }
        }
        for (int i = 0; i < cfg.cleanSamples(); i++, idx++) texts.add(chunks.get(idx));
        List<int[]> rows = new ArrayList<>(texts.size());
        for (String t : texts) rows.add(tok.encode(t, cfg.maxLength()));
        return new PorData(List.copyOf(texts), List.copyOf(rows), labels);
    }

    /**
     * Each text cut into chunks of {@code words} words (Python {@code split()}), the remainder its own chunk
     * ({@code wikitext_process}, applied per text rather than per article).
     */
    public static List<String> wordChunks(List<String> texts, int words) {
        List<String> out = new ArrayList<>();
        for (String t : texts) {
            List<String> w = Words.split(t);
            for (int i = 0; i < w.size(); i += words) out.add(Words.join(w.subList(i, Math.min(w.size(), i + words))));
        }
        return out;
    }

    public int size() {
        return rows.size();
    }
}
