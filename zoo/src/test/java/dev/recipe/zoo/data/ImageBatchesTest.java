package dev.recipe.zoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.recipe.vision.LabelledImage;
import dev.recipe.vision.PilResize;
import dev.recipe.vision.RgbImage;
import dev.recipe.zoo.vit.Vit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ImageBatchesTest {
    @Test
    void everyImageOnceAnEpochResizedAndNormalisedWithItsLabel() {
        List<LabelledImage> data = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] px = new byte[4 * 4 * 3];
            for (int k = 0; k < px.length; k++) px[k] = (byte) (i * 20 + k);
            data.add(new LabelledImage(new RgbImage(4, 4, px), i % 3, "img" + i));
        }
        ImageBatches b = new ImageBatches(data, 8, 4, true, 5, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        assertEquals(3, b.batchesPerEpoch());
        TreeSet<Integer> seen = new TreeSet<>();
        for (int index = 0; index < 3; index++) {
            Map<String, INDArray> batch = b.batch(1, index);
            INDArray x = batch.get(Vit.PIXEL_VALUES), y = batch.get(Vit.LABELS);
            assertEquals(index < 2 ? 4 : 2, x.size(0));
            assertArrayEquals(new long[] {x.size(0), 3, 8, 8}, x.shape());
            for (int r = 0; r < x.size(0); r++) {
                // which image is this? its first pixel's red value identifies it (i * 20)
                float red = x.getFloat(r, 0, 0, 0);
                int i = Math.round(((red * 0.5f) + 0.5f) * 255f) / 20;
                assertTrue(seen.add(i), "image " + i + " twice");
                assertEquals(i % 3, y.getInt(r), "label of image " + i);
                float[] want = PilResize.bilinear(data.get(i).image(), 8, 8).toChw(ImageBatches.HALF, ImageBatches.HALF);
                float[] got = x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(r)).dup().data().asFloat();
                assertArrayEquals(want, got, 0f, "pixels of image " + i);
            }
        }
        assertEquals(10, seen.size());
        assertEquals(b.batch(1, 0).get(Vit.LABELS), b.batch(1, 0).get(Vit.LABELS), "a pure function of (epoch, index)");
    }
}
