package dev.recipe.app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.recipe.core.ConfigException;

/**
 * The command line for notebooks and other JVM programs (a Jupyter Java kernel, JShell): {@code run("attack", ...)}
 * runs {@code ./recipe attack ...} of a built checkout in a child process, prints its output on this JVM's
 * {@code System.out} (which a notebook shows under the cell), and resumes it when it stops on native memory (exit
 * code 3) as {@code recipe experiment} does. Why a child process and not a call: SameDiff 1.0.0-M2.1 grows native
 * memory with every op (README, Memory), and a kernel lives for hours; the child also gets the launcher's memory
 * limits and allocator, which a kernel's JVM does not have.
 */
public final class Commands {
    private Commands() {}

    /**
     * The checkout: {@code -Drecipe.home}, else {@code RECIPE_HOME}, else the first of the working directory and its
     * parents that holds the {@code recipe} launcher.
     */
    public static Path home() {
        String prop = System.getProperty("recipe.home", System.getenv("RECIPE_HOME"));
        if (prop != null) return launcherIn(Path.of(prop));
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("recipe")) && Files.isDirectory(p.resolve("modules"))) return p;
        }
        throw new ConfigException("cannot find the checkout (a folder with the 'recipe' launcher and modules/) from "
                + Path.of("").toAbsolutePath() + " or its parents; set -Drecipe.home or RECIPE_HOME");
    }

    private static Path launcherIn(Path home) {
        if (!Files.isExecutable(home.resolve("recipe"))) {
            throw new ConfigException(home + ": no executable 'recipe' launcher here (recipe.home / RECIPE_HOME)");
        }
        return home;
    }

    /** Runs {@code recipe <args>} in the checkout's directory; throws when it fails (after resuming on exit code 3). */
    public static void run(String... args) throws Exception {
        Path home = home();
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("recipe").toString());
        cmd.addAll(List.of(args));
        Stage.untilDone("recipe " + String.join(" ", args), () -> {
            Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.contains("Duplicate TF op mapping")) System.out.println(line);
                }
            }
            return p.waitFor();
        });
    }
}
