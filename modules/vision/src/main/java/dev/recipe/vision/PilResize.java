package dev.recipe.vision;

/**
 * Bilinear resizing exactly as Pillow's {@code Image.resize(size, Image.BILINEAR)} does it on an RGB image
 * (Pillow's {@code libImaging/Resample.c}): a triangle filter whose support widens with the down-scaling factor (so
 * shrinking averages, "antialiased"), weights normalised per output pixel and turned into 22-bit fixed point, a
 * horizontal pass into an 8-bit intermediate image, then a vertical pass, each rounded and clipped to 0-255.
 *
 * <p>Why hand-written: the authors' vision pipelines resize with PIL (NeuBA: {@code Image.fromarray(img).resize((64,
 * 64), Image.BILINEAR)}) before pasting the 4×4 trigger, so the pixels a trigger sits among, and every clean input,
 * depend on PIL's exact arithmetic; Java's {@code AffineTransformOp} / {@code Graphics2D} bilinear interpolation
 * neither widens the filter when shrinking nor rounds between the passes. Checked to the byte against Pillow 9.4
 * ({@code tools/fixtures/pil_golden.py}).
 */
public final class PilResize {
    private PilResize() {}

    /** Pillow's fixed-point precision for 8-bit images: 32 − 8 − 2 bits. */
    private static final int PRECISION_BITS = 22;

    /** {@code image} resized to {@code width}×{@code height}; the same pixels when the size is unchanged. */
    public static RgbImage bilinear(RgbImage image, int width, int height) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("target size " + width + "x" + height);
        int inW = image.width(), inH = image.height();
        if (width == inW && height == inH) return image;
        byte[] src = image.bytes();
        Coefficients horizontal = Coefficients.of(inW, width);
        Coefficients vertical = Coefficients.of(inH, height);
        int rows = inH;
        int firstRow = 0;
        if (width != inW) {
            // like Pillow, only the source rows the vertical pass reads are resampled horizontally
            firstRow = height != inH ? vertical.min[0] : 0;
            int lastRow = height != inH ? vertical.min[height - 1] + vertical.count[height - 1] : inH;
            rows = lastRow - firstRow;
            byte[] tmp = new byte[width * rows * 3];
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < width; x++) {
                    int min = horizontal.min[x];
                    for (int c = 0; c < 3; c++) {
                        int acc = 1 << (PRECISION_BITS - 1);
                        for (int i = 0; i < horizontal.count[x]; i++) {
                            acc += (src[((y + firstRow) * inW + min + i) * 3 + c] & 0xff) * horizontal.weight[x][i];
                        }
                        tmp[(y * width + x) * 3 + c] = clip8(acc);
                    }
                }
            }
            src = tmp;
        }
        if (height == inH) return new RgbImage(width, height, src);
        byte[] out = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            int min = vertical.min[y] - firstRow;
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int i = 0; i < vertical.count[y]; i++) {
                        acc += (src[((min + i) * width + x) * 3 + c] & 0xff) * vertical.weight[y][i];
                    }
                    out[(y * width + x) * 3 + c] = clip8(acc);
                }
            }
        }
        return new RgbImage(width, height, out);
    }

    private static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** Per output position: the first source index, how many source values, and their fixed-point weights. */
    private record Coefficients(int[] min, int[] count, int[][] weight) {
        static Coefficients of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = 1.0 * filterScale; // the bilinear (triangle) filter's support is 1
            double ss = 1.0 / filterScale;       // Pillow multiplies by the reciprocal; dividing can differ in the last bit
            int[] min = new int[outSize];
            int[] count = new int[outSize];
            int[][] weight = new int[outSize][];
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                // C's (int) cast truncates toward zero, as Pillow's rounding relies on
                int lo = Math.max((int) (center - support + 0.5), 0);
                int hi = Math.min((int) (center + support + 0.5), inSize);
                int n = hi - lo;
                double[] k = new double[n];
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    double t = Math.abs((i + lo - center + 0.5) * ss);
                    k[i] = t < 1.0 ? 1.0 - t : 0.0;
                    sum += k[i];
                }
                int[] w = new int[n];
                for (int i = 0; i < n; i++) {
                    double v = sum != 0.0 ? k[i] / sum : k[i];
                    w[i] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
                }
                min[o] = lo;
                count[o] = n;
                weight[o] = w;
            }
            return new Coefficients(min, count, weight);
        }
    }
}
