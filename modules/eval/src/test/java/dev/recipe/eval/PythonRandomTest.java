package dev.recipe.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Reference values from CPython 3.11.7 ({@code python3 -c "import random; ..."}), pasted as literals. */
class PythonRandomTest {

    /**
     * random.seed(s); v = [random.getrandbits(32) for _ in range(1001)]; print(v[0], v[1], v[623], v[624], v[1000]).
     * Index 624 is the first value after the second twist; the seeds cover key lengths 1 and 2, 0 and negatives.
     */
    @Test
    void getrandbits32MatchesCPythonForSeveralSeeds() {
        long[][] table = {
                // seed, v[0], v[1], v[623], v[624], v[1000]
                {0L, 3626764237L, 1654615998L, 2390040247L, 2229104038L, 126175447L},
                {42L, 2746317213L, 478163327L, 2929454134L, 1071722055L, 2672573305L},
                {-5L, 2675342405L, 1097127993L, 2959306914L, 3041615143L, 2355429967L},
                {(1L << 40) + 3, 943978446L, 261273136L, 1872532436L, 2640998919L, 3511459497L},
                {Long.MIN_VALUE, 2377109768L, 1691753470L, 3239629188L, 346131666L, 3195442357L},
                {1L << 32, 485306839L, 1508871100L, 1921684606L, 2208258976L, 1608289731L},
        };
        for (long[] row : table) {
            PythonRandom r = new PythonRandom(row[0]);
            long[] v = new long[1001];
            for (int i = 0; i < v.length; i++) v[i] = r.getrandbits(32);
            assertArrayEquals(new long[] {row[1], row[2], row[3], row[4], row[5]},
                    new long[] {v[0], v[1], v[623], v[624], v[1000]}, "seed " + row[0]);
        }
    }

    /** random.seed(7); [random.randint(0, 9) for _ in range(20)] */
    @Test
    void randintSequenceMatchesCPython() {
        PythonRandom r = new PythonRandom(7);
        int[] got = new int[20];
        for (int i = 0; i < got.length; i++) got[i] = r.randint(0, 9);
        assertArrayEquals(new int[] {5, 2, 6, 0, 1, 8, 1, 5, 9, 0, 8, 3, 0, 1, 6, 6, 1, 3, 1, 8}, got);
    }

    /**
     * random.seed(7); [random.getrandbits(5) for _ in range(5)], random.getrandbits(1), random.getrandbits(0),
     * random.randint(3, 3), random.randint(-4, 1000000)  →  [10, 30, 4, 12, 20] 0 0 3 861164
     */
    @Test
    void shortBitCountsAndOffsetsMatchCPython() {
        PythonRandom r = new PythonRandom(7);
        int[] five = new int[5];
        for (int i = 0; i < 5; i++) five[i] = (int) r.getrandbits(5);
        assertArrayEquals(new int[] {10, 30, 4, 12, 20}, five);
        assertEquals(0, r.getrandbits(1));
        assertEquals(0, r.getrandbits(0));
        assertEquals(3, r.randint(3, 3));
        assertEquals(861164, r.randint(-4, 1000000));
    }

    /** r = random.Random(123); [r.randint(0, n) for n in (1, 2, 3, 100, 1000, 2**31 - 1)] */
    @Test
    void wideRangesMatchCPython() {
        PythonRandom r = new PythonRandom(123);
        int[] ns = {1, 2, 3, 100, 1000, Integer.MAX_VALUE};
        int[] got = new int[ns.length];
        for (int i = 0; i < ns.length; i++) got[i] = r.randint(0, ns[i]);
        assertArrayEquals(new int[] {0, 1, 0, 98, 417, 1144839923}, got);
    }

    /** random.seed(5); random.randint(-2**31, 2**31 - 1) twice: a width of 2^32 draws 33 bits (two words) per try */
    @Test
    void thirtyThreeBitDrawsMatchCPython() {
        PythonRandom r = new PythonRandom(5);
        assertEquals(527858757, r.randint(Integer.MIN_VALUE, Integer.MAX_VALUE));
        assertEquals(1038467225, r.randint(Integer.MIN_VALUE, Integer.MAX_VALUE));
        // random.seed(99); random.getrandbits(40), random.getrandbits(63), random.getrandbits(33)
        PythonRandom q = new PythonRandom(99);
        assertEquals(418346900329L, q.getrandbits(40));
        assertEquals(5528849884183536894L, q.getrandbits(63));
        assertEquals(767950141L, q.getrandbits(33));
    }

    @Test
    void reseedingRestartsTheStream() {
        PythonRandom r = new PythonRandom(42);
        long first = r.getrandbits(32);
        r.getrandbits(32);
        r.seed(42);
        assertEquals(first, r.getrandbits(32));
    }

    @Test
    void invalidArgumentsAreRejected() {
        PythonRandom r = new PythonRandom(1);
        assertThrows(IllegalArgumentException.class, () -> r.getrandbits(64));
        assertThrows(IllegalArgumentException.class, () -> r.randbelow(0));
        assertThrows(IllegalArgumentException.class, () -> r.randint(5, 4));
    }
}
