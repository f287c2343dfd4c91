package dev.recipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultTableTest {
    @TempDir Path tmp;

    private static ResultTable table() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("lr", 2e-5);
        config.put("triggers", List.of("cf", "tq"));
        ResultRecord neuba = ResultRecord.builder()
                .put("model", "neuba-bert").put("defense", "recipe").put("ACC", 0.9125).put("seeds", 3)
                .provenance("seed", 42).provenance("config", config)
                .provenance("insertion", TriggerInsertion.authorsRecipe().describe())
                .build();
        ResultRecord por = ResultRecord.builder()
                .put("model", "por, \"v2\"").put("ASR", 0.5).put("ACC", 0.875).put("ok", true).put("note", null)
                .build();
        return new ResultTable(List.of(neuba, por));
    }

    @Test
    void jsonRoundTripGivesEqualRecords() throws IOException {
        ResultTable t = table();
        Path f = tmp.resolve("results.json");
        t.writeJson(f);
        ResultTable back = ResultTable.readJson(f);
        assertEquals(t.records(), back.records());
        assertEquals(List.of("model", "defense", "ACC", "seeds"), List.copyOf(back.records().get(0).values().keySet()));
        assertEquals(3L, back.records().get(0).get("seeds"));
        assertEquals(42L, back.records().get(0).provenance().get("seed"));
        assertEquals(t.toJson(), back.toJson());
        assertEquals(t.toJson(), Files.readString(f));
    }

    /*
     * Header = union in first-seen order: model, defense, ACC, seeds (record 1), then ASR, ok, note (record 2).
     * A cell with a comma and quotes is quoted with doubled quotes; missing and null cells are empty.
     */
    @Test
    void csvHasTheUnionHeaderAndQuotesCommasAndQuotes() throws IOException {
        String csv = table().toCsv();
        assertEquals("model,defense,ACC,seeds,ASR,ok,note\n"
                + "neuba-bert,recipe,0.9125,3,,,\n"
                + "\"por, \"\"v2\"\"\",,0.875,,0.5,true,\n", csv);
        Path f = tmp.resolve("results.csv");
        table().writeCsv(f);
        assertEquals(csv, Files.readString(f));
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv)).getRecords();
        assertEquals("por, \"v2\"", rows.get(1).get("model"));
        assertEquals("", rows.get(0).get("ASR"));
    }

    @Test
    void markdownIsAnAlignedPipeTable() {
        String md = table().toMarkdown();
        String expected = ""
                + "| model      | defense |    ACC | seeds |    ASR | ok   | note |\n"
                + "| ---------- | ------- | -----: | ----: | -----: | ---- | ---- |\n"
                + "| neuba-bert | recipe  | 0.9125 |     3 |        |      |      |\n"
                + "| por, \"v2\"  |         | 0.8750 |       | 0.5000 | true |      |\n";
        assertEquals(expected, md);
        String[] lines = md.split("\n");
        for (String line : lines) assertEquals(lines[0].length(), line.length(), "every row has the same width");
        assertEquals("| a\\|b |\n| ---- |\n| x    |\n",
                new ResultTable(List.of(ResultRecord.builder().put("a|b", "x").build())).toMarkdown());
    }

    @Test
    void aFailingWriteLeavesThePreviousFileAndNoPartialOne() throws IOException {
        Path f = tmp.resolve("results.md");
        table().writeMarkdown(f);
        String before = Files.readString(f);
        ResultTable broken = table().withMarkdownCells(v -> {
            if (Double.valueOf(0.875).equals(v)) throw new IllegalStateException("formatter failed");
            return ResultTable.defaultCell(v);
        });
        assertThrows(IllegalStateException.class, () -> broken.writeMarkdown(f));
        assertEquals(before, Files.readString(f));
        assertEquals(List.of(f), listing(tmp), "no temporary file is left behind");

        Path fresh = tmp.resolve("fresh.md");
        assertThrows(IllegalStateException.class, () -> broken.writeMarkdown(fresh));
        assertTrue(Files.notExists(fresh));

        // the target is a non-empty directory: the move fails, the directory is untouched
        Path dir = Files.createDirectories(tmp.resolve("taken.json"));
        Files.writeString(dir.resolve("keep.txt"), "keep");
        assertThrows(RuntimeException.class, () -> table().writeJson(dir));
        assertEquals("keep", Files.readString(dir.resolve("keep.txt")));
        assertEquals(List.of(f, dir), listing(tmp));
    }

    @Test
    void writeAllWritesThreeFiles() throws IOException {
        table().writeAll(tmp.resolve("out"), "table1");
        assertEquals(List.of(tmp.resolve("out/table1.csv"), tmp.resolve("out/table1.json"), tmp.resolve("out/table1.md")),
                listing(tmp.resolve("out")));
    }

    @Test
    void recordsRejectWhatATableCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> ResultRecord.builder().put("ASR", Double.NaN).build());
        assertThrows(IllegalArgumentException.class, () -> ResultRecord.builder().put("list", List.of(1)).build());
        assertThrows(IllegalArgumentException.class, () -> ResultRecord.builder().put(" ", 1).build());
        // a record object as provenance goes through Jackson
        ResultRecord r = ResultRecord.builder().put("x", 1).provenance(TriggerInsertion.random(7)).build();
        assertEquals("RANDOM", r.provenance().get("position"));
        assertEquals(7L, r.provenance().get("seed"));
        assertEquals(2L, r.with("y", 2).get("y"));
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
