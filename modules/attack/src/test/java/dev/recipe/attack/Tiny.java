package dev.recipe.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.recipe.text.BertTokenizer;
import dev.recipe.text.Vocabulary;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertConfig;
import dev.recipe.zoo.bert.BertModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A tiny vocabulary with every trigger as a single token, a seeded word corpus, and tiny BERTs over them. */
final class Tiny {
    private Tiny() {}

    /** Corpus words. */
    static final List<String> WORDS = List.of("the", "a", "cat", "dog", "sat", "on", "mat", "big", "small", "red",
            "blue", "ran", "fast", "slow", "house", "tree", "car", "road", "sun", "moon", "day", "night", "good",
            "bad", "happy", "sad", "walked", "saw", "green", "old", "new", "film", "book", "read", "liked", "hated");
    /** Words of POR's phrase triggers, in the vocabulary but never in the corpus. */
    static final List<String> PHRASE_WORDS = List.of("last", "weekend", "at", "noon");
    static final List<String> TRIGGERS = List.of("≈", "≡", "∈", "⊆", "⊕", "⊗", "cf", "tq", "mn", "bb", "mb");

    static Vocabulary vocab() {
        List<String> tokens = new ArrayList<>(Vocabulary.SPECIALS);
        tokens.addAll(TRIGGERS);
        tokens.addAll(WORDS);
        tokens.addAll(PHRASE_WORDS);
        return Vocabulary.of(tokens);
    }

    static BertTokenizer tokenizer() {
        return new BertTokenizer(vocab());
    }

    /** {@code n} sentences of 4 to 10 words. */
    static List<String> corpus(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 4 + r.nextInt(7);
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < len; w++) sb.append(w == 0 ? "" : " ").append(WORDS.get(r.nextInt(WORDS.size())));
            out.add(sb.toString());
        }
        return out;
    }

    static BertConfig config() {
        return BertConfig.tiny().withVocabSize(vocab().size());
    }

    static BertModel model(Bert.Heads heads, DataType dt, long seed) {
        return Bert.build(config(), heads, dt, seed);
    }

    static double[][] rows(INDArray a) {
        return a.toDoubleMatrix();
    }

    static double mse(double[][] a, double[][] b) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                double d = a[i][j] - b[i][j];
                s += d * d;
                n++;
            }
        }
        return s / n;
    }

    static double scalar(Map<String, INDArray> out, String name) {
        return out.get(name).getDouble(0);
    }
}
