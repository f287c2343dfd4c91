package dev.recipe.zoo;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.recipe.core.ConfigException;

/**
 * Locates the zoo's pre-trained models: {@code zoo/models/<name>/} of the project checkout (config.json,
 * model.safetensors, vocab.txt, MODEL_CARD.md). The root is the system property {@code recipe.home}, else the
 * first directory upwards from the working directory that has {@code zoo/models}.
 */
public final class Zoo {
    public static final String BERT_MINI = "bert-mini";

    private Zoo() {}

    public static Path root() {
        String home = System.getProperty("recipe.home");
        if (home != null) return Path.of(home).resolve("zoo").resolve("models");
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("zoo").resolve("models");
            if (Files.isDirectory(candidate)) return candidate;
        }
        throw new ConfigException("cannot find zoo/models above " + Path.of("").toAbsolutePath()
                + "; run from the project checkout or set -Drecipe.home=<checkout>");
    }

    public static Path model(String name) {
        Path dir = root().resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("zoo model '" + name + "' not found at " + dir);
        }
        return dir;
    }

    /** {@code zoo:<name>} → the zoo model's directory; any other string → that path. */
    public static Path resolve(String spec) {
        return spec.startsWith("zoo:") ? model(spec.substring(4)) : Path.of(spec);
    }
}
