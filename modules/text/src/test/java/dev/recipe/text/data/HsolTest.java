package dev.recipe.text.data;

import static dev.recipe.text.data.DataTestFiles.counts;
import static dev.recipe.text.data.DataTestFiles.error;
import static dev.recipe.text.data.DataTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.recipe.core.SharedData;
import dev.recipe.text.LabelledText;

class HsolTest {
    @TempDir Path tmp;

    private static final String HEADER = ",count,hate_speech,offensive_language,neither,class,tweet\r\n";

    private Path sample() throws IOException {
        return write(tmp, "labeled_data.csv", "\uFEFF" + HEADER
                + "0,3,0,0,3,2,!!! RT @may: As a woman &amp; as a man &lt;3\r\n"
                + "9,3,1,2,0,1,\"\"\" @rhythmixx_ :hobbies include: fighting\"\"\r\n\r\nbitch\"\r\n"
                + "\r\n"
                + "12,3,2,1,0,0,\"&#8220;@x: quoted&#8221; &#128514;\"\r\n");
    }

    @Test
    void binaryByDefaultWithEntitiesDecodedAndBreaksCollapsed() throws IOException {
        assertEquals(List.of(
                new LabelledText("!!! RT @may: As a woman & as a man <3", 0),
                new LabelledText("\" @rhythmixx_ :hobbies include: fighting\" bitch", 1),
                new LabelledText("\u201C@x: quoted\u201D \uD83D\uDE02", 1)), Hsol.read(sample()));
    }

    @Test
    void otherMappings() throws IOException {
        assertEquals(List.of(2, 1, 0), Hsol.read(sample(), Hsol.Mapping.threeClass()).stream()
                .map(LabelledText::label).toList());
        Hsol.Mapping hateVsNeither = new Hsol.Mapping(List.of("neither", "hate"), Map.of(0, 1, 2, 0));
        List<LabelledText> rows = Hsol.read(sample(), hateVsNeither);
        assertEquals(List.of(0, 1), rows.stream().map(LabelledText::label).toList());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Hsol.Mapping(List.of("a", "b"), Map.of(0, 2))).getMessage()
                .contains("class 0 maps to label 2, expected 0..1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Hsol.Mapping(List.of("a", "b"), Map.of(3, 0))).getMessage().contains("classes 0..2"));
    }

    @Test
    void errorsNameFileLineAndExpectation() throws IOException {
        assertTrue(error(Hsol::read, write(tmp, "a.csv", HEADER + "0,3,0,0,3,2,fine\n1,3,0,0,3,hate,bad\n"))
                .contains("a.csv:3: expected class 0, 1 or 2 in column 'class', got 'hate'"));
        assertTrue(error(Hsol::read, write(tmp, "b.csv", HEADER + "0,3,0,0,3,2,\"two\nlines\"\n1,3,0,0,3,2\n"))
                .contains("b.csv:4: expected 7 comma-separated cells as in the header, got 6"));
        assertTrue(error(Hsol::read, write(tmp, "c.csv", ",count,label,tweet\n0,3,1,x\n"))
                .contains("c.csv:1: no column 'class' in the header; columns are [, count, label, tweet]"));
        assertTrue(error(Hsol::read, write(tmp, "d.csv", HEADER + "0,3,0,0,3,2,\" \r\n \"\n"))
                .contains("d.csv:2: empty tweet"));
        assertTrue(error(Hsol::read, write(tmp, "e.csv", HEADER + "0,3,0,0,3,2,\"open\n"))
                .contains("e.csv:2: malformed record"));
        assertTrue(error(Hsol::read, write(tmp, "f.csv", "")).contains("f.csv: empty"));
    }

    // Expected numbers: Python's csv module on the same file (class counts match the file's PROVENANCE.txt).
    @Test
    void realLabeledData() {
        Path file = SharedData.require("hsol/labeled_data.csv");
        List<LabelledText> classes = Hsol.read(file, Hsol.Mapping.threeClass());
        assertEquals(24783, classes.size());
        assertEquals(List.of(1430, 19190, 4163), counts(classes, 3));
        // Same cleaning in Python (csv.reader, the entity rules above, whitespace collapsed), digest of "class\ttweet".
        assertEquals("9aedae6deb775464a640b133a5890d4a4e9c043177ce47614884e8856960b7c5", DataTestFiles.digest(classes));
        assertEquals(List.of(4163, 20620), counts(Hsol.read(file), 2));
    }
}
