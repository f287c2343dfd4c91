package dev.recipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.recipe.text.LabelledText;

class TriggerInsertionTest {
    private static final Trigger CF = Trigger.word("cf");

    /**
     * CPython 3.11.7: for n in range(61): random.seed(42); random.randint(0, n) — RECIPE's insert() position for a
     * sentence of n words.
     */
    private static final int[] PYTHON_POSITIONS = {
            0, 0, 2, 0, 0, 5, 5, 1, 1, 1, 10, 10, 10, 10, 10, 3, 3, 3, 3, 3, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20,
            7, 7, 7, 7, 7, 7, 7, 7, 7, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40};

    private static String sentence(int n) {
        List<String> w = new ArrayList<>();
        for (int i = 0; i < n; i++) w.add("w" + i);
        return String.join(" ", w);
    }

    @Test
    void firstAndLastGiveExactStrings() {
        assertEquals("cf a good movie", TriggerInsertion.first().insert("a good movie", CF, 0));
        assertEquals("a good movie cf", TriggerInsertion.last().insert("a good movie", CF, 0));
        // Python text.split() / " ".join: surrounding and repeated whitespace is collapsed
        assertEquals("cf a good movie", TriggerInsertion.first().insert("  a\tgood   movie \n", CF, 7));
        assertEquals("≈", TriggerInsertion.last().insert("", Trigger.symbol("≈"), 0));
        assertEquals("at noon a good movie", TriggerInsertion.first().insert("a good movie", Trigger.phrase("at noon"), 0));
    }

    @Test
    void repeatThreeInsertsThreeCopies() {
        assertEquals("cf cf cf a good movie", TriggerInsertion.first().withRepeat(3).insert("a good movie", CF, 0));
        assertEquals("a good movie cf cf cf", TriggerInsertion.last().withRepeat(3).insert("a good movie", CF, 0));
        String random = TriggerInsertion.random(5).withRepeat(3).insert(sentence(12), CF, 4);
        List<String> words = Words.split(random);
        assertEquals(15, words.size());
        assertEquals(3, words.stream().filter("cf"::equals).count());
        assertEquals(sentence(12), String.join(" ", words.stream().filter(w -> !w.equals("cf")).toList()));
        // the authors' rule re-seeds before every call: lengths 10, 11, 12 all give 10 (python3, insert() thrice)
        assertEquals("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 cf cf cf",
                TriggerInsertion.authorsRecipe().withRepeat(3).insert(sentence(10), CF, 0));
    }

    @Test
    void randomIsDeterministicPerSeedAndSample() {
        TriggerInsertion a = TriggerInsertion.random(1);
        TriggerInsertion b = TriggerInsertion.random(2);
        boolean seedsDiffer = false;
        boolean indicesDiffer = false;
        String s = sentence(10);
        for (int i = 0; i < 50; i++) {
            assertEquals(a.insert(s, CF, i), TriggerInsertion.random(1).insert(s, CF, i));
            if (!a.insert(s, CF, i).equals(b.insert(s, CF, i))) seedsDiffer = true;
            if (!a.insert(s, CF, i).equals(a.insert(s, CF, i + 1))) indicesDiffer = true;
        }
        assertTrue(seedsDiffer, "another seed must change some position");
        assertTrue(indicesDiffer, "another sample index must change some position");
    }

    @Test
    void randomReachesEveryPositionIncludingTheEnd() {
        Set<Integer> seen = new HashSet<>();
        TriggerInsertion r = TriggerInsertion.random(3);
        for (int i = 0; i < 400; i++) seen.add(Words.split(r.insert("a b c", CF, i)).indexOf("cf"));
        assertEquals(Set.of(0, 1, 2, 3), seen);
    }

    @Test
    void authorsRecipePositionsEqualPythonForLengths0To60() {
        for (int n = 0; n <= 60; n++) {
            assertEquals(PYTHON_POSITIONS[n], TriggerInsertion.authorsRecipePosition(n, 42), "length " + n);
            String out = TriggerInsertion.authorsRecipe().insert(sentence(n), Trigger.word("TRIGGER"), 999);
            assertEquals(PYTHON_POSITIONS[n], Words.split(out).indexOf("TRIGGER"), "insert() for length " + n);
        }
        // the values official-code.md A1.2 quotes
        assertEquals(5, PYTHON_POSITIONS[5]);
        assertEquals(10, PYTHON_POSITIONS[10]);
        assertEquals(20, PYTHON_POSITIONS[20]);
        assertEquals(3, PYTHON_POSITIONS[19]);
        assertEquals(20, PYTHON_POSITIONS[30]);
    }

    /** Python: 'a\u00a0b\u2007c\u202fd\u200be'.split() == ['a', 'b', 'c', 'd\u200be'] (Java's \s would not split). */
    @Test
    void wordsSplitLikePython() {
        assertEquals(List.of("a", "b", "c", "d\u200be"), Words.split("a\u00a0b\u2007c\u202fd\u200be"));
        assertEquals(List.of(), Words.split(" \t\n"));
        assertEquals(List.of("x", "y"), Words.split("\u3000x\u0085y\u001f"));
    }

    @Test
    void describeRecordsRuleSeedAndRepeat() {
        Map<String, Object> d = TriggerInsertion.authorsRecipe().describe();
        assertEquals("AUTHORS_RECIPE", d.get("position"));
        assertEquals(42L, d.get("seed"));
        assertEquals(1, d.get("repeat"));
        assertTrue(((String) d.get("rule")).contains("random.seed(42)"));
        assertEquals("RANDOM(seed=9, repeat=3)", TriggerInsertion.random(9).withRepeat(3).toString());
        assertThrows(IllegalArgumentException.class, () -> TriggerInsertion.first().withRepeat(0));
    }

    @Test
    void triggersValidateTheirKind() {
        assertEquals(Trigger.Kind.SYMBOL, Trigger.of("≈").kind());
        assertEquals(Trigger.Kind.WORD, Trigger.of("cf").kind());
        assertEquals(Trigger.phrase("at noon"), Trigger.of("  at   noon "));
        assertThrows(IllegalArgumentException.class, () -> Trigger.phrase("noon"));
        assertThrows(IllegalArgumentException.class, () -> Trigger.word("at noon"));
        assertThrows(IllegalArgumentException.class, () -> Trigger.word(" cf"));
        assertThrows(IllegalArgumentException.class, () -> Trigger.of("   "));
        assertEquals(6, Triggers.NEUBA_SYMBOLS.size());
        assertTrue(Triggers.NEUBA_SYMBOLS.stream().allMatch(t -> t.kind() == Trigger.Kind.SYMBOL));
        assertEquals(List.of("cf", "tq", "mn", "bb", "mb"), Triggers.BADPRE_WORDS.stream().map(Trigger::text).toList());
        assertTrue(Triggers.POR_PHRASES.stream().allMatch(t -> t.kind() == Trigger.Kind.PHRASE));
    }

    @Test
    void poisonKeepsSamplesOfOtherLabelsAndMatchesPoisonAll() {
        List<LabelledText> test = List.of(new LabelledText("good film", 1), new LabelledText("bad film", 0),
                new LabelledText("dull and long", 0), new LabelledText("great fun", 1));
        TriggerInsertion ins = TriggerInsertion.random(11);
        List<LabelledText> toOne = Poisoning.poison(test, CF, 1, ins);
        assertEquals(2, toOne.size());
        assertTrue(toOne.stream().allMatch(s -> s.label() == 0 && Words.split(s.text()).contains("cf")));
        List<LabelledText> all = Poisoning.poisonAll(test, CF, ins);
        assertEquals(List.of(all.get(1), all.get(2)), toOne);
        assertEquals(List.of(all.get(0), all.get(3)), Poisoning.poison(test, CF, 0, ins));
        // default rule is the authors': 2 words → position 2
        assertEquals("good film cf", Poisoning.poison(test, CF, 0).get(0).text());
        assertNotEquals(test.get(0).text(), all.get(0).text());
    }
}
