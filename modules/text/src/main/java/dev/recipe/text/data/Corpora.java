package dev.recipe.text.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.ConfigException;
import dev.recipe.text.LabelledText;
import dev.recipe.text.TextCorpus;

/**
 * Unlabelled text for pre-training, attacks and purification, named by specs: a file path (read by
 * {@link TextCorpus#read}), or {@code task:<name>} for the TRAIN split texts of a dataset ({@link Datasets}; its dev
 * and test texts are never read, so a model trained on them is still evaluated on unseen text). A task lets an
 * attacker or a continued pre-training see the same distribution as a model pre-trained with the task texts.
 */
public final class Corpora {
    /** The prefix of a dataset spec. */
    public static final String TASK_PREFIX = "task:";

    private Corpora() {}

    /**
     * Texts and where they came from.
     *
     * @param texts   every text, in spec order
     * @param files   role → file read ("corpus0", "sst2_train", "hsol_all", ...), ready for a provenance record
     * @param summary one line per spec: what it contributed
     */
    public record Corpus(List<String> texts, Map<String, Path> files, List<String> summary) {
        public Corpus {
            texts = Collections.unmodifiableList(texts);
            files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
            summary = List.copyOf(summary);
        }
    }

    /** Reads every spec; {@code dataRoot} is where {@code task:} datasets live (e.g. {@code ../shared/data}). */
    public static Corpus read(List<String> specs, Path dataRoot) {
        if (specs.isEmpty()) throw new ConfigException("no corpus given: name a text file or " + TASK_PREFIX + "<dataset>");
        List<String> texts = new ArrayList<>();
        Map<String, Path> files = new LinkedHashMap<>();
        List<String> summary = new ArrayList<>();
        int fileNo = 0;
        for (String spec : specs) {
            int before = texts.size();
            if (spec.startsWith(TASK_PREFIX)) {
                String name = spec.substring(TASK_PREFIX.length());
                if (dataRoot == null) throw new ConfigException("corpus '" + spec + "': no data root given for datasets");
                if (!Datasets.names().contains(name)) {
                    throw new ConfigException("corpus '" + spec + "': unknown dataset '" + name + "'; known: " + Datasets.names());
                }
                Dataset d = Datasets.load(name, dataRoot);
                d.files().forEach((role, file) -> {
                    if (role.equals("train") || role.equals("all")) files.put(d.name() + "_" + role, file);
                });
                for (LabelledText t : d.train()) texts.add(t.text());
                summary.add(spec + ": " + (texts.size() - before) + " unlabelled train texts (" + d.derivation() + ")");
            } else {
                Path p = Path.of(spec);
                if (!Files.isRegularFile(p)) throw new ConfigException("corpus file " + p + " not found");
                files.put("corpus" + fileNo++, p);
                texts.addAll(TextCorpus.read(p));
                summary.add(spec + ": " + (texts.size() - before) + " texts");
            }
        }
        return new Corpus(texts, files, summary);
    }
}
