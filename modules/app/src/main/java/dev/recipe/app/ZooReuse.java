package dev.recipe.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import dev.recipe.core.AtomicFiles;
import dev.recipe.core.ConfigException;

/**
 * Models a grid makes that the zoo already holds: a zoo model published from a grid carries the recipe that made it
 * ({@link #RECIPE_FILE}, {@link ExperimentCommand#recipe}: the attack or defense, its arguments and corpus, and,
 * recursively, what it was made from down to the weights' checksum). A grid that must make a model with exactly that
 * recipe copies the zoo's instead of spending half an hour on an attack again; any difference in the recipe (another
 * seed, another corpus, a re-trained bert-mini) makes it anew.
 *
 * <p>Why: run directories do not outlive a machine, and the backdoored mini BERTs take 25 minutes each on 2 cores,
 * while a grid's evaluations of models made from them take 3 minutes a cell.
 */
final class ZooReuse {
    /** The recipe of a published model, as {@code steps/<slug>.json} of the grid that made it. */
    static final String RECIPE_FILE = "recipe.json";

    private ZooReuse() {}

    /** The model in {@code zooRoot} made by exactly {@code recipe} (first by name), or null. */
    static Path find(Path zooRoot, String recipe) {
        if (!Files.isDirectory(zooRoot)) return null;
        try (Stream<Path> dirs = Files.list(zooRoot)) {
            for (Path d : dirs.sorted().toList()) {
                Path r = d.resolve(RECIPE_FILE);
                if (Files.isRegularFile(r) && Files.readString(r).equals(recipe)) return d;
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The zoo's root, or null where there is none (a grid then makes every model). */
    static Path zooRoot() {
        try {
            return dev.recipe.zoo.Zoo.root();
        } catch (ConfigException e) {
            return null;
        }
    }

    /**
     * Copies the model directory {@code from} to {@code to} (which must not exist) through
     * {@link AtomicFiles#writeDirectory}, so that an interrupted copy never looks like a made model.
     */
    static void copy(Path from, Path to) {
        if (Files.exists(to)) throw new ConfigException(to + " exists; not copying " + from + " over it");
        AtomicFiles.writeDirectory(to, d -> {
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : files.toList()) {
                    Path dst = d.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(dst);
                    else Files.copy(f, dst, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        });
    }

    /**
     * Publishes a grid's made model to the zoo as {@code zooRoot/name} with its recipe, refusing to replace a zoo
     * model made otherwise. Returns the new directory.
     */
    static Path publish(Path made, String recipe, Path zooRoot, String name) {
        if (!name.matches("[a-z0-9][a-z0-9.-]*")) {
            throw new ConfigException("--publish: zoo name '" + name + "' must be lower-case letters, digits, '.' and '-'");
        }
        if (!Files.isDirectory(made)) throw new ConfigException("--publish: " + made + " is not made yet; run the grid first");
        Path to = zooRoot.resolve(name);
        if (Files.exists(to)) {
            Path r = to.resolve(RECIPE_FILE);
            String what = Files.isRegularFile(r) ? "made by another recipe (" + r + ")" : "not published from a grid";
            throw new ConfigException("--publish: " + to + " exists, " + what + "; choose another name or delete it");
        }
        copy(made, to);
        AtomicFiles.writeString(to.resolve(RECIPE_FILE), recipe);
        return to;
    }

    /** For messages: a zoo directory as {@code zoo:<name>}. */
    static String label(Path zooModel) {
        return "zoo:" + zooModel.getFileName();
    }
}
