package dev.recipe.text;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The merge loop of HuggingFace tokenizers' {@code BpeTrainer} (which {@code WordPieceTrainer} runs with
 * {@code continuing_subword_prefix="##"}): words are sequences of symbol ids; the most frequent adjacent pair (weighted
 * by word count) is merged into a new symbol, {@code a + b} with b's {@code ##} dropped, until the vocabulary reaches
 * the target size or no pair occurs {@code minFrequency} times.
 *
 * <p>Incremental, as in HF: pair counts and pair -&gt; words indices are updated only for the words that contain the
 * merged pair, and a lazy max-heap re-queues entries whose count went stale. Ties on count go to the smaller pair of
 * ids (HF's {@code Merge} ordering), and every id is assigned in a fixed order, so the result is deterministic.
 * Unlike HF, which may split one pair's word positions over several heap entries, a merge is applied to all words that
 * contain the pair at once.
 */
final class PairMerger {
    private record Candidate(long pair, long count) {}

    private static final Comparator<Candidate> BEST_FIRST =
            Comparator.comparingLong(Candidate::count).reversed().thenComparingLong(Candidate::pair);

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final int[][] symbols;
    private final int[] lengths;
    private final long[] wordCounts;
    private final Map<Long, long[]> pairCounts = new HashMap<>();
    private final Map<Long, IntList> wordsWithPair = new HashMap<>();
    private final PriorityQueue<Candidate> queue = new PriorityQueue<>(BEST_FIRST);

    /**
     * @param tokens the vocabulary so far (grown in place by {@link #run})
     * @param words each word as symbol ids into {@code tokens}
     * @param wordCounts how often each word occurs
     */
    PairMerger(List<String> tokens, List<int[]> words, long[] wordCounts) {
        this.tokens = tokens;
        this.ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) ids.put(tokens.get(i), i);
        this.symbols = words.toArray(new int[0][]);
        this.lengths = new int[symbols.length];
        this.wordCounts = wordCounts;
        for (int w = 0; w < symbols.length; w++) {
            lengths[w] = symbols[w].length;
            for (int i = 0; i + 1 < lengths[w]; i++) addCount(pair(symbols[w][i], symbols[w][i + 1]), wordCounts[w], w);
        }
        pairCounts.forEach((pair, count) -> { if (count[0] > 0) queue.add(new Candidate(pair, count[0])); });
    }

    /** Merges until {@code tokens.size() == targetSize} or the best pair occurs fewer than {@code minFrequency} times. */
    void run(int targetSize, int minFrequency) {
        long threshold = Math.max(1, minFrequency);
        int[] seen = new int[symbols.length];
        int round = 0;
        while (tokens.size() < targetSize && !queue.isEmpty()) {
            Candidate top = queue.poll();
            long current = count(top.pair);
            if (current != top.count) {
                if (current > 0) queue.add(new Candidate(top.pair, current));
                continue;
            }
            if (current < threshold) break;
            round++;
            int a = (int) (top.pair >>> 32);
            int b = (int) top.pair;
            int merged = idOf(tokens.get(a) + stripContinuation(tokens.get(b)));
            Set<Long> touched = new HashSet<>();
            IntList where = wordsWithPair.remove(top.pair);
            for (int k = 0; where != null && k < where.size; k++) {
                int w = where.values[k];
                if (seen[w] == round) continue;
                seen[w] = round;
                mergeInWord(w, a, b, merged, touched);
            }
            pairCounts.remove(top.pair);
            wordsWithPair.remove(top.pair);
            touched.remove(top.pair);
            for (long p : touched) {
                long c = count(p);
                if (c > 0) queue.add(new Candidate(p, c));
            }
        }
    }

    /** Replaces every non-overlapping (a, b) in word w, left to right, and updates the neighbouring pair counts. */
    private void mergeInWord(int w, int a, int b, int merged, Set<Long> touched) {
        int[] s = symbols[w];
        int n = lengths[w];
        long f = wordCounts[w];
        int out = 0;
        int i = 0;
        while (i < n) {
            if (i + 1 < n && s[i] == a && s[i + 1] == b) {
                if (out > 0) {
                    change(pair(s[out - 1], a), -f, w, touched);
                    change(pair(s[out - 1], merged), f, w, touched);
                }
                if (i + 2 < n) {
                    change(pair(b, s[i + 2]), -f, w, touched);
                    change(pair(merged, s[i + 2]), f, w, touched);
                }
                s[out++] = merged;
                i += 2;
            } else {
                s[out++] = s[i++];
            }
        }
        lengths[w] = out;
    }

    private void change(long pair, long delta, int word, Set<Long> touched) {
        addCount(pair, delta, word);
        touched.add(pair);
    }

    private void addCount(long pair, long delta, int word) {
        pairCounts.computeIfAbsent(pair, p -> new long[1])[0] += delta;
        if (delta > 0) wordsWithPair.computeIfAbsent(pair, p -> new IntList()).add(word);
    }

    private long count(long pair) {
        long[] c = pairCounts.get(pair);
        return c == null ? 0 : c[0];
    }

    private int idOf(String token) {
        Integer id = ids.get(token);
        if (id != null) return id;
        tokens.add(token);
        ids.put(token, tokens.size() - 1);
        return tokens.size() - 1;
    }

    private static String stripContinuation(String token) {
        return token.startsWith(WordPiece.CONTINUATION) ? token.substring(WordPiece.CONTINUATION.length()) : token;
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    /** A growable int array (word indices; may hold duplicates, which {@link #run} skips). */
    private static final class IntList {
        int[] values = new int[4];
        int size;

        void add(int v) {
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            values[size++] = v;
        }
    }
}
