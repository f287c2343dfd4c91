package dev.recipe.text.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.recipe.text.LabelledText;

/**
 * The datasets by name, read from a data root laid out as {@code ../shared/data}:
 * <ul>
 *   <li>{@code sst2}: {@code sst2/{train,dev,test}.tsv} ({@code sentence\tlabel}), labels negative/positive.</li>
 *   <li>{@code agnews}: the StyleAttack split, {@code agnews/styleattack_{train,dev,test}.tsv}, four topics. The test
 *       split is {@code styleattack_test.tsv}, not the original {@code test.csv}: it holds the same 7,600 articles,
 *       but lower-cased and joined the way train and dev are, so all three splits share one preprocessing, as in the
 *       backdoor papers. Read {@code test.csv} with {@link AgNews#readCsv} for the original text.</li>
 *   <li>{@code hsol}: {@code hsol/labeled_data.csv}, binary (1 hate or offensive, 0 neither), cut into train/dev/test
 *       0.8/0.1/0.1 stratified by the original three classes with seed {@link #HSOL_SPLIT_SEED}; so every
 *       {@link Hsol.Mapping} (see {@link #hsol(Path, Hsol.Mapping, long)}) sees the same tweets in each split.</li>
 * </ul>
 */
public final class Datasets {
    private Datasets() {}

    /** The seed of the {@code hsol} train/dev/test split. */
    public static final long HSOL_SPLIT_SEED = 42;

    /** HSOL's train/dev/test fractions. */
    private static final double[] HSOL_FRACTIONS = {0.8, 0.1, 0.1};

    private static final Map<String, Function<Path, Dataset>> REGISTRY = registry();

    private static Map<String, Function<Path, Dataset>> registry() {
        Map<String, Function<Path, Dataset>> r = new LinkedHashMap<>();
        r.put("sst2", Datasets::sst2);
        r.put("agnews", Datasets::agNews);
        r.put("hsol", root -> hsol(root, Hsol.Mapping.binary(), HSOL_SPLIT_SEED));
        return r;
    }

    /** The registered names, in registration order. */
    public static Set<String> names() {
        return REGISTRY.keySet();
    }

    /** Loads dataset {@code name} (case-insensitive) from {@code dataRoot}. */
    public static Dataset load(String name, Path dataRoot) {
        Function<Path, Dataset> loader = REGISTRY.get(name.strip().toLowerCase(Locale.ROOT));
        if (loader == null) {
            throw new IllegalArgumentException("unknown dataset '" + name + "'; known datasets are " + names());
        }
        return loader.apply(dataRoot);
    }

    public static Dataset sst2(Path dataRoot) {
        Path dir = folder(dataRoot, "sst2", "train.tsv, dev.tsv, test.tsv");
        LabelledTable table = LabelledTable.tsv("sentence", "label").withLabels(LabelCodec.integers(2));
        return fromFiles("sst2", List.of("negative", "positive"), dir, "train.tsv", "dev.tsv", "test.tsv", table::read,
                "the StyleAttack/OpenBackdoor SST-2 train/dev/test files");
    }

    public static Dataset agNews(Path dataRoot) {
        Path dir = folder(dataRoot, "agnews", "styleattack_train.tsv, styleattack_dev.tsv, styleattack_test.tsv");
        return fromFiles("agnews", AgNews.LABEL_NAMES, dir, "styleattack_train.tsv", "styleattack_dev.tsv",
                "styleattack_test.tsv", AgNews::readTsv, "the StyleAttack lower-cased AG News train/dev/test files");
    }

    /** HSOL with the given label mapping and split seed (split stratified by the original class). */
    public static Dataset hsol(Path dataRoot, Hsol.Mapping mapping, long seed) {
        Path file = folder(dataRoot, "hsol", "labeled_data.csv").resolve("labeled_data.csv");
        List<List<LabelledText>> parts = Splits.split(Hsol.read(file, Hsol.Mapping.threeClass()), HSOL_FRACTIONS,
                seed, true);
        List<List<LabelledText>> mapped = new ArrayList<>();
        for (List<LabelledText> part : parts) {
            List<LabelledText> out = new ArrayList<>(part.size());
            for (LabelledText t : part) {
                int label = mapping.labelOf(t.label());
                if (label >= 0) out.add(new LabelledText(t.text(), label));
            }
            mapped.add(out);
        }
        return new Dataset("hsol", mapping.labelNames(), mapped.get(0), mapped.get(1), mapped.get(2),
                Map.of("all", file), "train/dev/test = stratified (by original class) 0.8/0.1/0.1 split of "
                        + "labeled_data.csv, seed " + seed + "; class to label " + new java.util.TreeMap<>(mapping.classToLabel()));
    }

    private static Dataset fromFiles(String name, List<String> labels, Path dir, String train, String dev, String test,
                                     Function<Path, List<LabelledText>> reader, String derivation) {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("train", dir.resolve(train));
        files.put("dev", dir.resolve(dev));
        files.put("test", dir.resolve(test));
        return new Dataset(name, labels, reader.apply(files.get("train")), reader.apply(files.get("dev")),
                reader.apply(files.get("test")), files, derivation);
    }

    private static Path folder(Path dataRoot, String name, String expected) {
        Path dir = dataRoot.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("dataset '" + name + "' expects folder " + dir.toAbsolutePath()
                    + " holding " + expected);
        }
        return dir;
    }
}
