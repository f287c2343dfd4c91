package dev.recipe.text.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.Checksums;
import dev.recipe.text.LabelledText;

/**
 * A labelled text-classification dataset: its registry name, the label names (label {@code i} is
 * {@code labelNames.get(i)}), the train/dev/test rows, and where they came from: {@code files} maps a role
 * ("train", "dev", "test", or "all" when the splits were cut from one file) to the file read, ready for
 * {@code Provenance.capture(..., inputs)}; {@code derivation} says in words how the splits were made (including the
 * seed when they were cut here). Every label must lie in {@code 0..labelNames.size()-1}.
 */
public record Dataset(String name, List<String> labelNames, List<LabelledText> train, List<LabelledText> dev,
                      List<LabelledText> test, Map<String, Path> files, String derivation) {
    public Dataset {
        labelNames = List.copyOf(labelNames);
        train = List.copyOf(train);
        dev = List.copyOf(dev);
        test = List.copyOf(test);
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        if (labelNames.isEmpty()) throw new IllegalArgumentException(name + ": no label names");
        checkLabels(name, "train", train, labelNames);
        checkLabels(name, "dev", dev, labelNames);
        checkLabels(name, "test", test, labelNames);
    }

    /**
     * A dataset whose train/dev/test are cut from one list of rows by a stratified {@link Splits#split} with
     * {@code fractions} (train, dev, test) and {@code seed}.
     */
    public static Dataset splitFrom(String name, List<String> labelNames, List<LabelledText> rows, double[] fractions,
                                    long seed, Path source) {
        if (fractions.length != 3) throw new IllegalArgumentException("expected 3 fractions (train, dev, test)");
        List<List<LabelledText>> parts = Splits.split(rows, fractions, seed, true);
        return new Dataset(name, labelNames, parts.get(0), parts.get(1), parts.get(2), Map.of("all", source),
                "train/dev/test = stratified " + fractions[0] + "/" + fractions[1] + "/" + fractions[2] + " split of "
                        + source.getFileName() + ", seed " + seed);
    }

    /** "train", "dev" or "test". */
    public List<LabelledText> split(String split) {
        return switch (split) {
            case "train" -> train;
            case "dev" -> dev;
            case "test" -> test;
            default -> throw new IllegalArgumentException("unknown split '" + split + "', expected train, dev or test");
        };
    }

    /** Rows per label in {@code split}, indexed by label. */
    public int[] labelCounts(String split) {
        int[] counts = new int[labelNames.size()];
        for (LabelledText t : split(split)) counts[t.label()]++;
        return counts;
    }

    /** SHA-256 of every source file, by role: the identity of the data in a provenance record. */
    public Map<String, String> fileSha256() {
        Map<String, String> out = new LinkedHashMap<>();
        files.forEach((role, file) -> out.put(role, Checksums.sha256(file)));
        return Collections.unmodifiableMap(out);
    }

    /** One line: name, sizes and label counts per split, derivation. */
    public String summary() {
        StringBuilder s = new StringBuilder(name).append(": labels ").append(labelNames);
        for (String split : List.of("train", "dev", "test")) {
            s.append("; ").append(split).append(' ').append(split(split).size())
                    .append(' ').append(Arrays.toString(labelCounts(split)));
        }
        return s.append("; ").append(derivation).toString();
    }

    private static void checkLabels(String name, String split, List<LabelledText> rows, List<String> labelNames) {
        for (int i = 0; i < rows.size(); i++) {
            int label = rows.get(i).label();
            if (label < 0 || label >= labelNames.size()) {
                throw new IllegalArgumentException(name + " " + split + " row " + i + ": label " + label
                        + " out of range for labels " + labelNames);
            }
        }
    }
}
