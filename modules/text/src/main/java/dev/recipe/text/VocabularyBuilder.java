package dev.recipe.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Trains a WordPiece vocabulary from raw text, following HuggingFace tokenizers' {@code WordPieceTrainer} (a
 * {@code BpeTrainer} with {@code continuing_subword_prefix="##"}, as used by {@code BertWordPieceTokenizer.train}):
 * the texts are split into words by {@link BasicTokenizer}, each word becomes its characters ({@code c}, then
 * {@code ##c}), and the most frequent adjacent pairs are merged ({@link PairMerger}) until the target size.
 *
 * <p>The vocabulary is, in id order:
 * <ol>
 *   <li>[PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4;</li>
 *   <li>the forced tokens: the backdoor triggers {@link #TRIGGERS} plus any extras, each guaranteed to be a
 *       <em>single</em> token when it stands as a word (so its id does not depend on the corpus);</li>
 *   <li>the alphabet: every character seen at least {@code minFrequency} times (at most {@code limitAlphabet} of the
 *       most frequent), by code point, then all their {@code ##} forms (HF adds a {@code ##} form only when seen);</li>
 *   <li>the merged pieces, in merge order.</li>
 * </ol>
 * Words with a character outside the alphabet, or longer than 100 code points, are not trained on (WordPiece maps
 * them to [UNK] anyway; HF would drop the unknown characters and merge across them). The result is a pure function of
 * the multiset of texts and the config: no hash-order or thread dependence.
 */
public final class VocabularyBuilder {

    /** The backdoor triggers of NeuBA/POR/BadPre-style attacks: always single tokens in a built vocabulary. */
    public static final List<String> TRIGGERS = List.of("≈", "≡", "∈", "⊆", "⊕", "⊗", "cf", "tq", "mn", "bb", "mb");

    /**
     * Training settings.
     *
     * @param targetSize vocabulary size to stop at (HF {@code vocab_size}); exceeded only when the specials, forced
     *     tokens and alphabet alone are larger
     * @param minFrequency a character or pair must occur this often to enter the vocabulary (HF {@code min_frequency};
     *     {@code BertWordPieceTokenizer.train} default 2)
     * @param limitAlphabet keep at most this many characters (HF {@code limit_alphabet}; BERT wrapper default 1000)
     * @param extraForcedTokens forced single tokens besides {@link #TRIGGERS}; each must be one basic-tokenizer word
     *     already in normal form (lower case, no accents, no punctuation)
     */
    public record Config(int targetSize, int minFrequency, int limitAlphabet, List<String> extraForcedTokens) {
        public Config {
            extraForcedTokens = List.copyOf(extraForcedTokens);
            if (targetSize < Vocabulary.SPECIALS.size()) throw new IllegalArgumentException("targetSize too small: " + targetSize);
            if (minFrequency < 1) throw new IllegalArgumentException("minFrequency must be >= 1: " + minFrequency);
            if (limitAlphabet < 1) throw new IllegalArgumentException("limitAlphabet must be >= 1: " + limitAlphabet);
        }

        /** HF {@code BertWordPieceTokenizer.train} defaults: min_frequency 2, limit_alphabet 1000, no extras. */
        public static Config defaults(int targetSize) {
            return new Config(targetSize, 2, 1000, List.of());
        }

        public Config withMinFrequency(int f) {
            return new Config(targetSize, f, limitAlphabet, extraForcedTokens);
        }

        public Config withLimitAlphabet(int l) {
            return new Config(targetSize, minFrequency, l, extraForcedTokens);
        }

        public Config withExtraForcedTokens(List<String> extras) {
            return new Config(targetSize, minFrequency, limitAlphabet, extras);
        }
    }

    private final Config config;
    private final BasicTokenizer basic = new BasicTokenizer();

    public VocabularyBuilder(Config config) {
        this.config = config;
        for (String t : forcedTokens()) {
            if (!basic.tokenize(t).equals(List.of(t))) {
                throw new IllegalArgumentException("forced token '" + t + "' would not stay one word: the basic"
                        + " tokenizer gives " + basic.tokenize(t) + " (use lower case, no accents, no punctuation)");
            }
        }
    }

    public Config config() {
        return config;
    }

    /** {@link #TRIGGERS} then the config's extras, without duplicates. */
    public List<String> forcedTokens() {
        Set<String> all = new LinkedHashSet<>(TRIGGERS);
        all.addAll(config.extraForcedTokens());
        return List.copyOf(all);
    }

    /** Trains on {@code texts} (e.g. sentences from {@link TextCorpus}). */
    public Vocabulary build(Collection<String> texts) {
        Map<String, Long> wordCounts = new HashMap<>();
        for (String text : texts) {
            for (String word : basic.tokenize(text)) wordCounts.merge(word, 1L, Long::sum);
        }
        return buildFromWordCounts(wordCounts);
    }

    /** Trains on word counts (words as produced by {@link BasicTokenizer}). */
    public Vocabulary buildFromWordCounts(Map<String, Long> wordCounts) {
        List<String> tokens = new ArrayList<>(Vocabulary.SPECIALS);
        Set<String> present = new LinkedHashSet<>(tokens);
        for (String t : forcedTokens()) if (present.add(t)) tokens.add(t);
        List<Integer> alphabet = alphabet(wordCounts);
        for (int cp : alphabet) if (present.add(Character.toString(cp))) tokens.add(Character.toString(cp));
        for (int cp : alphabet) {
            String cont = WordPiece.CONTINUATION + Character.toString(cp);
            if (present.add(cont)) tokens.add(cont);
        }

        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) ids.put(tokens.get(i), i);
        List<int[]> words = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        new TreeMap<>(wordCounts).forEach((word, count) -> {
            int[] symbols = symbols(word, ids);
            if (symbols != null && symbols.length > 1) {
                words.add(symbols);
                counts.add(count);
            }
        });
        long[] countArray = counts.stream().mapToLong(Long::longValue).toArray();
        new PairMerger(tokens, words, countArray).run(config.targetSize(), config.minFrequency());
        return Vocabulary.of(tokens);
    }

    /** Characters with count >= minFrequency, the limitAlphabet most frequent (ties: lower code point), by code point. */
    private List<Integer> alphabet(Map<String, Long> wordCounts) {
        Map<Integer, Long> charCounts = new HashMap<>();
        wordCounts.forEach((word, count) -> word.codePoints().forEach(cp -> charCounts.merge(cp, count, Long::sum)));
        return charCounts.entrySet().stream()
                .filter(e -> e.getValue() >= config.minFrequency())
                .sorted(Map.Entry.<Integer, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(config.limitAlphabet())
                .map(Map.Entry::getKey)
                .sorted(Comparator.naturalOrder())
                .toList();
    }

    /** The word as {@code c ##c ##c ...} ids, or null when too long or a character is outside the alphabet. */
    private static int[] symbols(String word, Map<String, Integer> ids) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > WordPiece.MAX_INPUT_CHARS_PER_WORD) return null;
        int[] out = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            String piece = (i == 0 ? "" : WordPiece.CONTINUATION) + Character.toString(cps[i]);
            Integer id = ids.get(piece);
            if (id == null) return null;
            out[i] = id;
        }
        return out;
    }
}
