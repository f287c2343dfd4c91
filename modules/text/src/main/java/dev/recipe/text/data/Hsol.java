package dev.recipe.text.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.recipe.text.LabelledText;
import dev.recipe.text.TextFiles;

/**
 * HSOL, "Hate Speech and Offensive Language" (Davidson et al., ICWSM 2017): {@code labeled_data.csv}, RFC 4180 CSV
 * with header {@code ,count,hate_speech,offensive_language,neither,class,tweet} (first column an unnamed row index)
 * and quoted tweets that may hold line breaks and doubled quotes. {@code class} is 0 hate speech, 1 offensive
 * language, 2 neither. Tweets are cleaned: HTML references decoded ({@link HtmlEntities}), line breaks and whitespace
 * runs collapsed to one space, stripped.
 *
 * <p>The {@link Mapping} turns the class into the label; the default, {@link Mapping#binary()}, is the one the
 * backdoor papers (OpenBackdoor, RECIPE) use: 1 = hate or offensive, 0 = neither.
 */
public final class Hsol {
    private Hsol() {}

    /** The original classes, in {@code class} order. */
    public static final List<String> CLASS_NAMES = List.of("hate speech", "offensive language", "neither");

    /**
     * Which label each original class gets; classes absent from {@code classToLabel} are dropped (e.g. hate vs
     * neither). Labels must be {@code 0..labelNames.size()-1}.
     */
    public record Mapping(List<String> labelNames, Map<Integer, Integer> classToLabel) {
        public Mapping {
            labelNames = List.copyOf(labelNames);
            classToLabel = Map.copyOf(classToLabel);
            for (var e : new TreeMap<>(classToLabel).entrySet()) {
                if (e.getKey() < 0 || e.getKey() >= CLASS_NAMES.size()) {
                    throw new IllegalArgumentException("HSOL has classes 0..2, mapping names class " + e.getKey());
                }
                if (e.getValue() < 0 || e.getValue() >= labelNames.size()) {
                    throw new IllegalArgumentException("class " + e.getKey() + " maps to label " + e.getValue()
                            + ", expected 0.." + (labelNames.size() - 1) + " for labels " + labelNames);
                }
            }
        }

        /** 1 = hate or offensive (class 0 or 1), 0 = neither (class 2): the backdoor papers' task. */
        public static Mapping binary() {
            return new Mapping(List.of("neither", "hate or offensive"), Map.of(0, 1, 1, 1, 2, 0));
        }

        /** The original three classes, label = class. */
        public static Mapping threeClass() {
            return new Mapping(CLASS_NAMES, Map.of(0, 0, 1, 1, 2, 2));
        }

        /** The label of a row of class {@code c}, or -1 when the class is dropped. */
        public int labelOf(int c) {
            return classToLabel.getOrDefault(c, -1);
        }
    }

    /** Reads with the {@link Mapping#binary()} labels. */
    public static List<LabelledText> read(Path file) {
        return read(file, Mapping.binary());
    }

    public static List<LabelledText> read(Path file, Mapping mapping) {
        List<CsvRows.Row> rows = CsvRows.read(file, CsvRows.CSV, "HSOL CSV file");
        if (rows.isEmpty()) throw new IllegalArgumentException(file + ": empty, expected a header with 'class' and 'tweet'");
        CsvRows.Row header = rows.get(0);
        int classColumn = CsvRows.column(file, header, "class");
        int tweetColumn = CsvRows.column(file, header, "tweet");
        List<LabelledText> out = new ArrayList<>(rows.size() - 1);
        for (CsvRows.Row row : rows.subList(1, rows.size())) {
            String where = TextFiles.where(file, row.line());
            CsvRows.requireSize(file, row, header.size(), "comma-separated cells as in the header");
            String c = row.get(classColumn).strip();
            int label = switch (c) {
                case "0", "1", "2" -> mapping.labelOf(Integer.parseInt(c));
                default -> throw new IllegalArgumentException(where + ": expected class 0, 1 or 2 in column 'class', got '"
                        + c + "'");
            };
            if (label < 0) continue;
            String tweet = Texts.collapseWhitespace(HtmlEntities.decode(row.get(tweetColumn)));
            if (tweet.isEmpty()) throw new IllegalArgumentException(where + ": empty tweet");
            out.add(new LabelledText(tweet, label));
        }
        return out;
    }
}
