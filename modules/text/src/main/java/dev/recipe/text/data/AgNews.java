package dev.recipe.text.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.recipe.text.LabelledText;
import dev.recipe.text.TextFiles;

/**
 * AG News topic classification (Zhang, Zhao &amp; LeCun 2015), four classes, label {@code i} = {@link #LABEL_NAMES}
 * {@code .get(i)}. Two layouts:
 * <ul>
 *   <li>{@link #readCsv}: the original {@code train.csv}/{@code test.csv}: no header, three RFC 4180 quoted columns
 *       {@code "class index 1..4","title","description"}; label = class index - 1; text = title + " " + description,
 *       cleaned by {@link #clean}.</li>
 *   <li>{@link #readTsv}: the lower-cased StyleAttack/HiddenKiller split ({@code styleattack_*.tsv}): header
 *       {@code sentence \t label}, rows {@code text \t label} with labels 0..3; the separator may be space-tab-space
 *       or a plain tab. The text is kept as written (stripped), as the papers used it.</li>
 * </ul>
 */
public final class AgNews {
    private AgNews() {}

    /** The class names of {@code classes.txt}, in label order. */
    public static final List<String> LABEL_NAMES = List.of("World", "Sports", "Business", "Sci/Tech");

    private static final Pattern BACKSLASHES = Pattern.compile("\\\\+");

    public static List<LabelledText> readCsv(Path file) {
        List<LabelledText> out = new ArrayList<>();
        for (CsvRows.Row row : CsvRows.read(file, CsvRows.CSV, "AG News CSV file")) {
            String where = TextFiles.where(file, row.line());
            CsvRows.requireSize(file, row, 3, "quoted columns (class index 1..4, title, description)");
            String index = row.get(0).strip();
            int label;
            try {
                label = Integer.parseInt(index) - 1;
            } catch (NumberFormatException e) {
                label = -1;
            }
            if (label < 0 || label >= LABEL_NAMES.size()) {
                throw new IllegalArgumentException(where + ": expected a class index 1..4 in column 1, got '" + index + "'");
            }
            String text = clean(row.get(1) + " " + row.get(2));
            if (text.isEmpty()) throw new IllegalArgumentException(where + ": empty title and description");
            out.add(new LabelledText(text, label));
        }
        return out;
    }

    public static List<LabelledText> readTsv(Path file) {
        return new LabelledTable(LabelledTable.Format.TSV, List.of("sentence"), "label",
                LabelCodec.integers(LABEL_NAMES.size())).read(file);
    }

    /** The non-blank lines of {@code classes.txt} (stripped): the class names for class index 1, 2, .... */
    public static List<String> readClassNames(Path classesTxt) {
        return TextFiles.readLines(classesTxt, "AG News classes file").stream()
                .filter(s -> !s.isBlank()).map(String::strip).toList();
    }

    /**
     * Undoes the original files' escaping: {@code \$} is an escaped dollar sign ({@code \$1 billion}); any other run
     * of backslashes stands for a line break in the source article ({@code a second\team}, {@code \\}) and becomes a
     * space; then whitespace runs collapse to one space. The {@code #36;}/{@code #39;} remnants of HTML entities are
     * left as they are (the StyleAttack split keeps them too).
     */
    public static String clean(String text) {
        return Texts.collapseWhitespace(BACKSLASHES.matcher(text.replace("\\$", "$")).replaceAll(" "));
    }
}
