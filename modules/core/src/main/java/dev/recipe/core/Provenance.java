package dev.recipe.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a result came from: the git revision, library and JVM versions, machine, seed, the resolved config and
 * checksums of every input file. Written next to every model and result ({@code provenance.json}).
 */
public record Provenance(String command, String started, String gitRevision, boolean gitDirty, long seed,
                         Map<String, Object> config, String configSha256, Map<String, String> inputSha256,
                         String javaVersion, String osName, String osArch, int cpus, String nd4jVersion,
                         String nd4jBackend, List<String> nativeLibraries) {

    /** Captures the environment now; {@code inputs} are hashed (name → file). */
    public static Provenance capture(String command, long seed, Map<String, Object> config, Map<String, Path> inputs) {
        Map<String, Object> cfg = new TreeMap<>(config);
        Map<String, String> sums = new LinkedHashMap<>();
        inputs.forEach((name, path) -> sums.put(name + " (" + path.getFileName() + ")", Checksums.sha256(path)));
        // a frozen copy of the built code (tools/snapshot.sh) names the revision it was built from: the checkout's
        // HEAD may have moved on while a long run goes on
        String pinned = System.getProperty("recipe.codeRevision");
        String rev = pinned != null ? pinned : git("rev-parse", "HEAD");
        String status = pinned != null ? (Boolean.getBoolean("recipe.codeDirty") ? "dirty" : "")
                : git("status", "--porcelain", "--untracked-files=no");
        String backend;
        try {
            backend = Nd4j.getBackend().getClass().getSimpleName() + " / " + Nd4j.getExecutioner().getClass().getSimpleName();
        } catch (RuntimeException e) {
            backend = "unavailable: " + e.getMessage();
        }
        return new Provenance(command, Instant.now().toString(), rev == null ? "unknown" : rev, status != null && !status.isEmpty(),
                seed, cfg, Checksums.sha256(Json.write(cfg)), sums, System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                "1.0.0-M2.1", backend, loadedNativeLibraries());
    }

    /**
     * The BLAS and allocator libraries this process has loaded (from {@code /proc/self/maps}; empty elsewhere), and
     * {@code OPENBLAS_CORETYPE=...} when the environment picks OpenBLAS's kernels with it (the build machine's sets
     * Haswell): the launcher may swap ND4J's bundled OpenBLAS for the system's and preload jemalloc, and floating-point
     * results differ in their last bits between BLAS builds and kernels.
     */
    static List<String> loadedNativeLibraries() {
        return nativeLibraries(Path.of("/proc/self/maps"), System.getenv("OPENBLAS_CORETYPE"));
    }

    /** {@link #loadedNativeLibraries()} from a maps file in {@code /proc/PID/maps}'s format and a core type (or null). */
    static List<String> nativeLibraries(Path maps, String coreType) {
        List<String> libs = new java.util.ArrayList<>();
        if (Files.isReadable(maps)) {
            try (var lines = Files.lines(maps)) {
                lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                        .filter(f -> f.startsWith("/") && (f.contains("openblas") || f.contains("jemalloc")))
                        .distinct().sorted().forEach(libs::add);
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                libs.clear();
            }
        }
        if (coreType != null && !coreType.isBlank()) libs.add("OPENBLAS_CORETYPE=" + coreType);
        return List.copyOf(libs);
    }

    private static String git(String... args) {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "git";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                out = r.lines().reduce("", (a, b) -> a.isEmpty() ? b : a + "\n" + b);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out.trim();
        } catch (Exception e) {
            return null;
        }
    }

    public void write(Path file) {
        Json.write(file, this);
    }
}
