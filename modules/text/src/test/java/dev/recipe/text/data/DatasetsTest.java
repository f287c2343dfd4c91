package dev.recipe.text.data;

import static dev.recipe.text.data.DataTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.recipe.core.SharedData;
import dev.recipe.text.LabelledText;

class DatasetsTest {
    @TempDir Path tmp;

    @Test
    void unknownNameListsTheKnownOnes() {
        String m = assertThrows(IllegalArgumentException.class, () -> Datasets.load("imdb", tmp)).getMessage();
        assertTrue(m.contains("unknown dataset 'imdb'; known datasets are [sst2, agnews, hsol]"), m);
        assertEquals(Set.of("sst2", "agnews", "hsol"), Datasets.names());
    }

    @Test
    void missingFolderSaysWhatIsExpected() {
        String m = assertThrows(IllegalArgumentException.class, () -> Datasets.load("sst2", tmp)).getMessage();
        assertTrue(m.contains("dataset 'sst2' expects folder") && m.contains("train.tsv, dev.tsv, test.tsv"), m);
    }

    @Test
    void smallLayoutLoadsEveryRegisteredDataset() throws IOException {
        for (String split : List.of("train", "dev", "test")) {
            write(tmp, "sst2/" + split + ".tsv", "sentence\tlabel\r\ngood " + split + "\t1\r\nbad\t0\r\n");
            write(tmp, "agnews/styleattack_" + split + ".tsv", "sentence \t label\nnews " + split + " \t 3\n");
        }
        StringBuilder hsol = new StringBuilder(",count,hate_speech,offensive_language,neither,class,tweet\n");
        for (int i = 0; i < 20; i++) hsol.append(i).append(",3,0,0,3,").append(i % 2 == 0 ? 2 : 1).append(",\"t\n").append(i).append("\"\n");
        write(tmp, "hsol/labeled_data.csv", hsol.toString());

        Dataset sst2 = Datasets.load("SST2", tmp);
        assertEquals(List.of(new LabelledText("good dev", 1), new LabelledText("bad", 0)), sst2.dev());
        assertEquals(tmp.resolve("sst2/test.tsv"), sst2.files().get("test"));
        Dataset ag = Datasets.load("agnews", tmp);
        assertEquals(List.of(new LabelledText("news test", 3)), ag.test());
        assertEquals(AgNews.LABEL_NAMES, ag.labelNames());
        Dataset h = Datasets.load("hsol", tmp);
        assertArrayEquals(new int[] {8, 8}, h.labelCounts("train"));
        assertArrayEquals(new int[] {1, 1}, h.labelCounts("dev"));
        assertEquals("t 1", h.dev().stream().filter(t -> t.label() == 1).findFirst().orElseThrow().text().substring(0, 3));
        assertTrue(h.derivation().contains("seed 42"), h.derivation());
        // the mapping is printed in key order: the derivation is part of a cell's settings and must not vary by JVM
        assertTrue(h.derivation().endsWith("class to label {0=1, 1=1, 2=0}"), h.derivation());
    }

    @Test
    void sst2BadRowNamesFileAndLine() throws IOException {
        for (String split : List.of("train", "dev", "test")) write(tmp, "sst2/" + split + ".tsv", "sentence\tlabel\nx\t1\n");
        write(tmp, "sst2/dev.tsv", "sentence\tlabel\nx\t1\ny\t2\n");
        String m = assertThrows(IllegalArgumentException.class, () -> Datasets.load("sst2", tmp)).getMessage();
        assertTrue(m.contains("dev.tsv:3: label 2 out of range, expected 0..1"), m);
    }

    @Test
    void realSst2AndAgNews() {
        SharedData.require("sst2/train.tsv");
        SharedData.require("agnews/styleattack_train.tsv");
        Dataset sst2 = Datasets.load("sst2", SharedData.root());
        assertArrayEquals(new int[] {3310, 3610}, sst2.labelCounts("train"));
        assertArrayEquals(new int[] {428, 444}, sst2.labelCounts("dev"));
        assertArrayEquals(new int[] {912, 909}, sst2.labelCounts("test"));
        Dataset ag = Datasets.load("agnews", SharedData.root());
        assertEquals(List.of(11106, 10000, 7600), List.of(ag.train().size(), ag.dev().size(), ag.test().size()));
    }

    @Test
    void realHsolSplitIsStratifiedByClassAndSharedAcrossMappings() {
        SharedData.require("hsol/labeled_data.csv");
        Dataset three = Datasets.hsol(SharedData.root(), Hsol.Mapping.threeClass(), Datasets.HSOL_SPLIT_SEED);
        // classes 1430 / 19190 / 4163 split 0.8/0.1/0.1 by largest remainder
        assertArrayEquals(new int[] {1144, 15352, 3331}, three.labelCounts("train"));
        assertArrayEquals(new int[] {143, 1919, 416}, three.labelCounts("dev"));
        assertArrayEquals(new int[] {143, 1919, 416}, three.labelCounts("test"));
        Dataset binary = Datasets.load("hsol", SharedData.root());
        assertArrayEquals(new int[] {3331, 16496}, binary.labelCounts("train"));
        assertArrayEquals(new int[] {416, 2062}, binary.labelCounts("dev"));
        assertArrayEquals(new int[] {416, 2062}, binary.labelCounts("test"));
        for (String split : List.of("train", "dev", "test")) {
            assertEquals(three.split(split).stream().map(LabelledText::text).toList(),
                    binary.split(split).stream().map(LabelledText::text).toList());
        }
        assertEquals(binary.train(), Datasets.load("hsol", SharedData.root()).train());
    }
}
