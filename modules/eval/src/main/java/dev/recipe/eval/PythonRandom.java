package dev.recipe.eval;

/**
 * The part of CPython's {@code random.Random} (Mersenne Twister MT19937, {@code Modules/_randommodule.c} and
 * {@code Lib/random.py}) that the authors' evaluation scripts use: {@code seed(int)}, {@code getrandbits(k)} for
 * {@code k ≤ 63}, {@code _randbelow(n)} and {@code randint(a, b)}. Outputs are bit-identical to CPython 3.x (checked
 * against python3 in {@code PythonRandomTest}).
 *
 * <p>Seeding an int follows {@code random_seed}: the absolute value is cut into 32-bit words, least significant first
 * ({@code [0]} for zero), and fed to {@code init_by_array}. Not thread-safe.
 */
public final class PythonRandom {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] mt = new int[N];
    private int index;

    /** Same as {@code random.Random(seed)}. */
    public PythonRandom(long seed) {
        seed(seed);
    }

    /** Same as {@code random.seed(seed)} for an int seed (negative seeds use their absolute value, as CPython does). */
    public void seed(long seed) {
        long magnitude = seed < 0 ? -seed : seed;   // unsigned; -Long.MIN_VALUE reads as 2^63, as in CPython
        int low = (int) magnitude;
        int high = (int) (magnitude >>> 32);
        int[] key = high != 0 ? new int[] {low, high} : new int[] {low};
        initByArray(key);
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        index = N;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) j = 0;
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = UPPER_MASK;   // MSB is 1, assuring a non-zero initial array
        index = N;
    }

    /** {@code genrand_uint32}: the next 32 random bits, as an unsigned value. */
    public long nextUint32() {
        if (index >= N) twist();
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    private void twist() {
        int kk = 0;
        for (; kk < N - M; kk++) {
            int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        for (; kk < N - 1; kk++) {
            int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
        mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        index = 0;
    }

    /**
     * {@code getrandbits(k)} for {@code 0 ≤ k ≤ 63}: for k ≤ 32 {@code genrand_uint32() >> (32 - k)} ({@code 0} for
     * k = 0); above that, 32-bit words least significant first, the last one shifted right to keep its top bits.
     */
    public long getrandbits(int k) {
        if (k < 0 || k > 63) throw new IllegalArgumentException("getrandbits supports 0..63 bits here, got " + k);
        if (k == 0) return 0;
        if (k <= 32) return nextUint32() >>> (32 - k);
        long low = nextUint32();
        long high = nextUint32() >>> (64 - k);
        return low | (high << 32);
    }

    /**
     * {@code _randbelow_with_getrandbits(n)}: a uniform value in {@code [0, n)} by rejection, drawing
     * {@code n.bit_length()} bits per try ({@code 1 ≤ n < 2^63}).
     */
    public long randbelow(long n) {
        if (n <= 0) throw new IllegalArgumentException("randbelow needs n > 0, got " + n);
        int k = 64 - Long.numberOfLeadingZeros(n);   // int.bit_length()
        long r = getrandbits(k);
        while (r >= n) r = getrandbits(k);
        return r;
    }

    /** {@code randint(a, b)}: a uniform int in {@code [a, b]}, i.e. {@code a + _randbelow(b - a + 1)}. */
    public int randint(int a, int b) {
        long width = (long) b - a + 1;
        if (width <= 0) throw new IllegalArgumentException("empty range for randint(" + a + ", " + b + ")");
        return (int) (a + randbelow(width));
    }
}
