package dev.recipe.eval;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.recipe.core.AtomicFiles;
import dev.recipe.core.Json;

/**
 * A list of {@link ResultRecord}s written as JSON, CSV or Markdown. Every file is written with
 * {@link AtomicFiles}, so a failed write leaves the previous file (or none), never a partial one.
 *
 * <ul>
 *   <li><b>JSON</b>: a pretty array of {@code {"values": {…}, "provenance": {…}}}, keys in insertion order (not
 *       sorted, unlike {@link Json#MAPPER}, so that a row reads in its column order); {@link #readJson} reads it back
 *       to equal records.</li>
 *   <li><b>CSV</b> (RFC 4180 via Commons CSV, {@code \n} line ends): the header is the union of the records' keys in
 *       first-seen order; a missing or null cell is empty; numbers are written with {@link Object#toString()};
 *       provenance is not included.</li>
 *   <li><b>Markdown</b>: a pipe table with padded, aligned columns; columns holding numbers and nothing else
 *       (nulls aside) are right-aligned, header included; cells are rendered by a formatter (default: doubles with 4 decimals, {@code |} escaped, line
 *       breaks as spaces).</li>
 * </ul>
 */
public final class ResultTable {
    /** Insertion-ordered, pretty JSON; ints read back as longs so that records compare equal after a round trip. */
    static final ObjectMapper MAPPER = Json.MAPPER.copy()
            .disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private final List<ResultRecord> records;
    private final Function<Object, String> markdownCell;

    public ResultTable(List<ResultRecord> records) {
        this(records, ResultTable::defaultCell);
    }

    private ResultTable(List<ResultRecord> records, Function<Object, String> markdownCell) {
        this.records = List.copyOf(records);
        this.markdownCell = markdownCell;
    }

    /** The same table with another Markdown cell formatter (e.g. percentages); it receives raw values, null included. */
    public ResultTable withMarkdownCells(Function<Object, String> formatter) {
        return new ResultTable(records, formatter);
    }

    public List<ResultRecord> records() { return records; }

    /** Union of the records' keys in first-seen order. */
    public List<String> columns() {
        Set<String> cols = new LinkedHashSet<>();
        for (ResultRecord r : records) cols.addAll(r.values().keySet());
        return new ArrayList<>(cols);
    }

    // ---------------------------------------------------------------- JSON

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(records) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeJson(Path file) {
        AtomicFiles.write(file, out -> {
            MAPPER.writer().without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, records);
            out.write('\n');
        });
    }

    public static ResultTable readJson(Path file) {
        try {
            return new ResultTable(MAPPER.readValue(Files.readAllBytes(file), new TypeReference<List<ResultRecord>>() {}));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read results table " + file + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- CSV

    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        try {
            printCsv(sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    public void writeCsv(Path file) {
        AtomicFiles.write(file, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            printCsv(w);
            w.flush();
        });
    }

    private void printCsv(Appendable out) throws IOException {
        List<String> cols = columns();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(cols.toArray(String[]::new)).setRecordSeparator('\n').get();
        CSVPrinter printer = new CSVPrinter(out, format);
        for (ResultRecord r : records) {
            List<Object> row = new ArrayList<>(cols.size());
            for (String c : cols) row.add(r.get(c));
            printer.printRecord(row);
        }
        printer.flush();
    }

    // ---------------------------------------------------------------- Markdown

    public String toMarkdown() {
        List<String> cols = columns();
        List<List<String>> cells = new ArrayList<>();
        boolean[] numeric = new boolean[cols.size()];
        boolean[] other = new boolean[cols.size()];
        for (ResultRecord r : records) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < cols.size(); c++) {
                Object v = r.get(cols.get(c));
                if (v instanceof Number) numeric[c] = true;
                else if (v != null) other[c] = true;
                row.add(escape(markdownCell.apply(v)));
            }
            cells.add(row);
        }
        for (int c = 0; c < cols.size(); c++) numeric[c] &= !other[c];
        int[] width = new int[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            width[c] = Math.max(3, length(escape(cols.get(c))));
            for (List<String> row : cells) width[c] = Math.max(width[c], length(row.get(c)));
        }
        StringBuilder sb = new StringBuilder();
        List<String> header = cols.stream().map(ResultTable::escape).toList();
        appendRow(sb, header, width, numeric);
        sb.append('|');
        for (int c = 0; c < cols.size(); c++) {
            sb.append(' ').append("-".repeat(numeric[c] ? width[c] - 1 : width[c])).append(numeric[c] ? ":" : "").append(" |");
        }
        sb.append('\n');
        for (List<String> row : cells) appendRow(sb, row, width, numeric);
        return sb.toString();
    }

    public void writeMarkdown(Path file) {
        AtomicFiles.write(file, out -> out.write(toMarkdown().getBytes(StandardCharsets.UTF_8)));
    }

    private static void appendRow(StringBuilder sb, List<String> row, int[] width, boolean[] rightAlign) {
        sb.append('|');
        for (int c = 0; c < row.size(); c++) {
            String cell = row.get(c);
            String pad = " ".repeat(width[c] - length(cell));
            sb.append(' ').append(rightAlign[c] ? pad + cell : cell + pad).append(" |");
        }
        sb.append('\n');
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    /** null → empty, doubles with 4 decimals, everything else {@code toString()}. */
    public static String defaultCell(Object v) {
        if (v == null) return "";
        if (v instanceof Double d) return String.format(Locale.ROOT, "%.4f", d);
        return v.toString();
    }

    // ---------------------------------------------------------------- all three

    /** Writes {@code <base>.json}, {@code <base>.csv} and {@code <base>.md} into {@code dir}. */
    public void writeAll(Path dir, String base) {
        writeJson(dir.resolve(base + ".json"));
        writeCsv(dir.resolve(base + ".csv"));
        writeMarkdown(dir.resolve(base + ".md"));
    }
}
