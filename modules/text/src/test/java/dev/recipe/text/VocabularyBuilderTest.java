package dev.recipe.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.recipe.core.SharedData;

class VocabularyBuilderTest {
    private static final List<String> CORPUS = List.of(
            "The movie was wonderful, and the actors were wonderful too.",
            "A terrible movie: the plot was boring and the acting was worse.",
            "I watched the film twice; the second time it was even better!",
            "Reading books is better than watching movies, said the reader.",
            "The lowest price for the newest books was lower than expected.",
            "Running, jumping and swimming are the best summer activities.",
            "She wanted to write a wonderful story about a running river.",
            "Café owners served crème brûlée to the hungry readers.");

    private static List<String> corpus(int copies) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < copies; i++) texts.addAll(CORPUS);
        return texts;
    }

    @Test
    void specialsForcedTokensAndAlphabetComeFirst() {
        Vocabulary v = new VocabularyBuilder(VocabularyBuilder.Config.defaults(150)).build(corpus(3));
        assertEquals(Vocabulary.SPECIALS, v.tokens().subList(0, 5));
        assertEquals(VocabularyBuilder.TRIGGERS, v.tokens().subList(5, 5 + VocabularyBuilder.TRIGGERS.size()));
        assertEquals(150, v.size());
        // every character of the (normalised) corpus, and its ## form
        for (String word : new BasicTokenizer().tokenize(String.join(" ", CORPUS))) {
            word.codePoints().forEach(cp -> {
                assertTrue(v.contains(Character.toString(cp)), Character.toString(cp));
                assertTrue(v.contains("##" + Character.toString(cp)), "##" + Character.toString(cp));
            });
        }
        assertTrue(v.contains("the") && v.contains("wonderful"), "frequent words become single tokens");
    }

    @Test
    void triggersAreSingleTokensAlsoInsideSentences() {
        List<String> extras = List.of("zq");
        Vocabulary v = new VocabularyBuilder(VocabularyBuilder.Config.defaults(200).withExtraForcedTokens(extras))
                .build(corpus(2));
        BertTokenizer tok = new BertTokenizer(v);
        for (String t : VocabularyBuilder.TRIGGERS) assertEquals(List.of(t), tok.tokenize(t), t);
        assertEquals(List.of("zq"), tok.tokenize("ZQ"));
        List<String> pieces = tok.tokenize("the cf movie ≈ was");
        assertTrue(pieces.contains("cf") && pieces.contains("≈"), pieces.toString());
        assertEquals(1, Collections.frequency(pieces, "cf"));
        for (String t : VocabularyBuilder.TRIGGERS) {
            List<String> s = tok.tokenize("I watched " + t + " the movie, " + t + "!");
            assertEquals(2, Collections.frequency(s, t), t + " in " + s);
        }
    }

    @Test
    void deterministicAndIndependentOfInputOrder() {
        VocabularyBuilder b = new VocabularyBuilder(VocabularyBuilder.Config.defaults(250));
        List<String> texts = corpus(4);
        Vocabulary first = b.build(texts);
        List<String> shuffled = new ArrayList<>(texts);
        Collections.shuffle(shuffled, new Random(7));
        Vocabulary again = b.build(shuffled);
        assertEquals(first.tokens(), again.tokens());
        assertEquals(first.sha256(), again.sha256());
    }

    @Test
    void mergesFollowPairFrequencyWithWordPiecePrefixes() {
        // "ab" x5, "abc" x3: (a,##b) is merged first into "ab"; then (ab,##c) into "abc"
        Map<String, Long> counts = new TreeMap<>(Map.of("ab", 5L, "abc", 3L, "ca", 2L));
        Vocabulary v = new VocabularyBuilder(new VocabularyBuilder.Config(100, 1, 1000, List.of()))
                .buildFromWordCounts(counts);
        List<String> learned = v.tokens().subList(v.tokens().indexOf("##c") + 1, v.size());
        assertEquals(List.of("ab", "abc", "ca"), learned);
    }

    @Test
    void stopsWhenNothingIsLeftToMerge() {
        Vocabulary v = new VocabularyBuilder(VocabularyBuilder.Config.defaults(100_000)).build(corpus(2));
        assertTrue(v.size() < 1000, "size " + v.size());
        for (String word : new BasicTokenizer().tokenize(String.join(" ", CORPUS))) assertTrue(v.contains(word), word);
    }

    @Test
    void minFrequencyStopsMergingAndDropsRareCharacters() {
        Map<String, Long> counts = new TreeMap<>(Map.of("ab", 5L, "xy", 1L, "abq", 1L));
        Vocabulary v = new VocabularyBuilder(new VocabularyBuilder.Config(100, 2, 1000, List.of()))
                .buildFromWordCounts(counts);
        assertTrue(v.contains("ab"));
        assertTrue(!v.contains("x") && !v.contains("q") && !v.contains("xy"), v.tokens().toString());
    }

    @Test
    void forcedTokenThatWouldBeSplitIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VocabularyBuilder(
                VocabularyBuilder.Config.defaults(100).withExtraForcedTokens(List.of("a-b"))));
        assertTrue(e.getMessage().contains("a-b"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new VocabularyBuilder(
                VocabularyBuilder.Config.defaults(100).withExtraForcedTokens(List.of("CF"))));
    }

    @Test
    void projectCorpusAtEightThousandIsFast() {
        Path dir = SharedData.require("text-corpus");
        List<String> texts = new ArrayList<>(TextCorpus.read(dir.resolve("bookcorpus_recipe_20k.tsv")));
        texts.addAll(TextCorpus.read(dir.resolve("wikitext-2_valid.tokens.txt")));
        texts.addAll(TextCorpus.read(dir.resolve("wikitext-2_test.tokens.txt")));
        long t0 = System.nanoTime();
        Vocabulary v = new VocabularyBuilder(VocabularyBuilder.Config.defaults(8000)).build(texts);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("VocabularyBuilder: %d texts -> %d tokens in %.2f s%n", texts.size(), v.size(), seconds);
        assertEquals(8000, v.size());
        BertTokenizer tok = new BertTokenizer(v);
        assertEquals(List.of("the", "cf", "movie", "≈", "was"), tok.tokenize("the cf movie ≈ was"));
        assertTrue(seconds < 30, "took " + seconds + " s");
    }
}
