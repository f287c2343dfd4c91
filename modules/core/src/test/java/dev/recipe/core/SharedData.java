package dev.recipe.core;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Locates {@code ../shared/data} for tests that need real third-party data. Such tests call {@link #require} and are
 * skipped with a clear message when the folder is absent (a clean clone without ../shared must still pass).
 */
public final class SharedData {
    private SharedData() {}

    /** The shared data root: system property {@code bd.shared} + "/data", else ../shared/data up from the cwd. */
    public static Path root() {
        String prop = System.getProperty("bd.shared");
        if (prop != null) return Path.of(prop).resolve("data").normalize();
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("data");
            if (Files.isDirectory(candidate)) return candidate;
        }
        return dir.resolveSibling("shared").resolve("data");
    }

    /** Returns {@code root()/relative}, or skips the calling test when it does not exist. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        Assumptions.assumeTrue(Files.exists(p),
                "SKIPPED: needs real data at " + p + " (../shared/data is absent in this checkout)");
        return p;
    }
}
