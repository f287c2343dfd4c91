package dev.recipe.vision;

import java.util.ArrayList;
import java.util.List;

/**
 * NeuBA's image triggers ("NeuBA-Ba", thunlp/NeuBA {@code cv/src/utils.py}): six 4×4 checkerboards, one for each pair
 * (i, j), i &lt; j, of the colours cyan, magenta, yellow and red, in the order (0,1), (0,2), (0,3), (1,2), (1,3),
 * (2,3); pixel (x, y) of a patch has colour i where x + y is even and colour j elsewhere. A trigger is pasted over
 * the lower-right 4×4 pixels of the image after it is resized to the model's input size and before it becomes a
 * tensor ({@code poison(img, toxic)} on the 64×64 PIL image).
 */
public final class CheckerboardTriggers {
    private CheckerboardTriggers() {}

    /** The patches' side in pixels. */
    public static final int SIZE = 4;

    private static final int[][] COLOURS = {{0x00, 0xff, 0xff}, {0xff, 0x00, 0xff}, {0xff, 0xff, 0x00}, {0xff, 0x00, 0x00}};
    private static final String[] COLOUR_NAMES = {"cyan", "magenta", "yellow", "red"};

    private static final List<RgbImage> PATCHES = new ArrayList<>();
    private static final List<String> NAMES = new ArrayList<>();

    static {
        for (int i = 0; i < COLOURS.length; i++) {
            for (int j = i + 1; j < COLOURS.length; j++) {
                byte[] rgb = new byte[SIZE * SIZE * 3];
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        int[] c = (x + y) % 2 == 0 ? COLOURS[i] : COLOURS[j];
                        for (int k = 0; k < 3; k++) rgb[(y * SIZE + x) * 3 + k] = (byte) c[k];
                    }
                }
                PATCHES.add(new RgbImage(SIZE, SIZE, rgb));
                NAMES.add("checker-" + COLOUR_NAMES[i] + "-" + COLOUR_NAMES[j]);
            }
        }
    }

    /** How many triggers there are (6). */
    public static int count() {
        return PATCHES.size();
    }

    /** Trigger {@code t}'s name, e.g. "checker-cyan-magenta" for trigger 0. */
    public static String name(int t) {
        return NAMES.get(check(t));
    }

    /** Trigger {@code t}'s 4×4 patch. */
    public static RgbImage patch(int t) {
        return PATCHES.get(check(t));
    }

    /** {@code image} with trigger {@code t} over its lower-right 4×4 pixels. */
    public static RgbImage apply(RgbImage image, int t) {
        return image.paste(patch(t), image.width() - SIZE, image.height() - SIZE);
    }

    private static int check(int t) {
        if (t < 0 || t >= PATCHES.size()) {
            throw new IllegalArgumentException("checkerboard trigger " + t + ": there are " + PATCHES.size() + " (0-"
                    + (PATCHES.size() - 1) + ")");
        }
        return t;
    }
}
