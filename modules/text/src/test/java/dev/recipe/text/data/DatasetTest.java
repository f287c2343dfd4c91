package dev.recipe.text.data;

import static dev.recipe.text.data.SubsampleTest.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.recipe.core.Checksums;
import dev.recipe.text.LabelledText;

class DatasetTest {
    @TempDir Path tmp;

    @Test
    void splitFromOneListRecordsSourceAndSeed() throws IOException {
        Path source = DataTestFiles.write(tmp, "all.tsv", "sentence\tlabel\n");
        Dataset d = Dataset.splitFrom("toy", List.of("neg", "pos"), rows(33, 67), new double[] {0.8, 0.1, 0.1}, 5, source);
        assertArrayEquals(new int[] {27, 53}, d.labelCounts("train"));
        assertArrayEquals(new int[] {3, 7}, d.labelCounts("dev"));
        assertEquals(Map.of("all", source), d.files());
        assertEquals(Map.of("all", Checksums.sha256(source)), d.fileSha256());
        assertEquals("train/dev/test = stratified 0.8/0.1/0.1 split of all.tsv, seed 5", d.derivation());
        assertEquals("toy: labels [neg, pos]; train 80 [27, 53]; dev 10 [3, 7]; test 10 [3, 7]; " + d.derivation(),
                d.summary());
    }

    @Test
    void labelsMustBeInRangeAndSplitNamesKnown() {
        List<LabelledText> ok = List.of(new LabelledText("a", 0));
        String m = assertThrows(IllegalArgumentException.class, () -> new Dataset("toy", List.of("only"), ok,
                List.of(new LabelledText("b", 0), new LabelledText("c", 1)), ok, Map.of(), "")).getMessage();
        assertTrue(m.contains("toy dev row 1: label 1 out of range for labels [only]"), m);
        Dataset d = new Dataset("toy", List.of("only"), ok, ok, ok, Map.of(), "");
        assertThrows(IllegalArgumentException.class, () -> d.split("validation"));
        assertThrows(UnsupportedOperationException.class, () -> d.train().add(new LabelledText("x", 0)));
    }
}
