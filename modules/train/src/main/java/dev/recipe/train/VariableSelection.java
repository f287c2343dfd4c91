package dev.recipe.train;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;

/**
 * The variables of a graph (SameDiff {@link VariableType#VARIABLE}s) and which of them are trained, both sorted by
 * name: {@code sd.variables()} has no stable order, and the order fixes how gradient norms are summed and how
 * checkpoint files are numbered. Constants and placeholders are never part of either list.
 *
 * @param all       every variable of the graph, sorted by name
 * @param trainable those matched by the config's patterns, sorted by name
 */
public record VariableSelection(List<String> all, List<String> trainable) {
    public VariableSelection {
        all = List.copyOf(all);
        trainable = List.copyOf(trainable);
    }

    /**
     * Selects the variables of {@code sd} whose name {@code find()}s any of {@code patterns} (all of them when the
     * list is empty).
     *
     * @throws IllegalArgumentException if the graph has no variables, or a pattern matches none of them
     */
    public static VariableSelection of(SameDiff sd, List<String> patterns) {
        List<String> all = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) all.add(v.name());
        }
        all.sort(null);
        if (all.isEmpty()) throw new IllegalArgumentException("the graph has no variables to train");
        if (patterns.isEmpty()) return new VariableSelection(all, all);
        List<Pattern> compiled = patterns.stream().map(Pattern::compile).toList();
        for (Pattern p : compiled) {
            if (all.stream().noneMatch(n -> p.matcher(n).find())) {
                throw new IllegalArgumentException("trainable pattern '" + p.pattern()
                        + "' matches no variable of the graph; variables: " + preview(all));
            }
        }
        List<String> trainable = all.stream()
                .filter(n -> compiled.stream().anyMatch(p -> p.matcher(n).find()))
                .toList();
        return new VariableSelection(all, trainable);
    }

    /** Variables that are saved and restored but never updated. */
    public List<String> frozen() {
        java.util.Set<String> t = new java.util.HashSet<>(trainable);
        return all.stream().filter(n -> !t.contains(n)).toList();
    }

    private static String preview(List<String> names) {
        return names.size() <= 20 ? names.toString()
                : names.subList(0, 20) + " ... (" + names.size() + " in all)";
    }
}
